import { mockCredentials } from '@backstage/backend-test-utils';
import { cachedUserInfo } from './cachedUserInfo';

function fakeUserInfo() {
  const asked: string[] = [];
  return {
    asked,
    service: {
      async getUserInfo(credentials: any) {
        const ref = credentials.principal.userEntityRef;
        asked.push(ref);
        await new Promise(r => setTimeout(r, 5));
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, `group:default/of-${asked.length}`],
        };
      },
    },
  };
}

describe('cachedUserInfo', () => {
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');

  it('reuses a user ownership refs until they expire, per user', async () => {
    let time = 0;
    const { service, asked } = fakeUserInfo();
    const cached = cachedUserInfo(service, { ttlMs: 10_000, now: () => time });
    const first = await cached.getUserInfo(alice);
    expect(await cached.getUserInfo(alice)).toEqual(first);
    expect(asked).toEqual(['user:default/alice']);
    await cached.getUserInfo(bob);
    expect(asked).toEqual(['user:default/alice', 'user:default/bob']);
    time = 10_001;
    expect(await cached.getUserInfo(alice)).not.toEqual(first);
    expect(asked).toHaveLength(3);
  });

  it('asks once for concurrent first requests of one user', async () => {
    const { service, asked } = fakeUserInfo();
    const cached = cachedUserInfo(service, { ttlMs: 10_000 });
    await Promise.all(
      Array.from({ length: 50 }, () => cached.getUserInfo(alice)),
    );
    expect(asked).toHaveLength(1);
  });

  it('passes other principals through (the service answers for them)', async () => {
    const asked: string[] = [];
    const cached = cachedUserInfo(
      {
        async getUserInfo(credentials: any) {
          asked.push(credentials.principal.type);
          throw new Error('Only user credentials are supported');
        },
      },
      { ttlMs: 10_000 },
    );
    const service = mockCredentials.service('plugin:catalog');
    await expect(cached.getUserInfo(service)).rejects.toThrow(
      'Only user credentials',
    );
    await expect(cached.getUserInfo(service)).rejects.toThrow(
      'Only user credentials',
    );
    expect(asked).toEqual(['service', 'service']);
  });
});
