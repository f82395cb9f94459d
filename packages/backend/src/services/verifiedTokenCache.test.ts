import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import { verifiedTokenCache } from './verifiedTokenCache';

const HOUR = 3_600_000;

/** An AuthService that knows a fixed set of tokens and counts its verifications. */
function fakeAuth(tokens: Record<string, BackstageCredentials>) {
  const verified: string[] = [];
  const auth = {
    async authenticate(
      token: string,
      options?: { allowLimitedAccess?: boolean },
    ) {
      verified.push(
        `${token}${options?.allowLimitedAccess ? ' (limited)' : ''}`,
      );
      await new Promise(r => setTimeout(r, 2));
      const credentials = tokens[token];
      if (!credentials)
        throw new AuthenticationError('Failed user token verification');
      return credentials;
    },
    isPrincipal(credentials: BackstageCredentials, type: string) {
      return (credentials.principal as { type: string }).type === type;
    },
    getNoneCredentials: jest.fn(),
    getOwnServiceCredentials: jest.fn(),
    getPluginRequestToken: jest.fn(async () => ({ token: 'plugin-token' })),
    getLimitedUserToken: jest.fn(),
    listPublicServiceKeys: jest.fn(),
  } as unknown as AuthService;
  return { auth, verified };
}

function user(ref: string, expiresAt: number): BackstageCredentials {
  return {
    $$type: '@backstage/BackstageCredentials',
    expiresAt: new Date(expiresAt),
    principal: { type: 'user', userEntityRef: ref },
  };
}

describe('verifiedTokenCache', () => {
  it('verifies a user token once per ttl and answers what the service answered', async () => {
    let time = 0;
    const alice = user('user:default/alice', HOUR);
    const bob = user('user:default/bob', HOUR);
    const { auth, verified } = fakeAuth({ 'token-a': alice, 'token-b': bob });
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000, now: () => time });

    expect(await cached.authenticate('token-a')).toBe(alice);
    expect(await cached.authenticate('token-a')).toBe(alice);
    expect(await cached.authenticate('token-b')).toBe(bob);
    expect(verified).toEqual(['token-a', 'token-b']);
    time = 10_000;
    expect(await cached.authenticate('token-a')).toBe(alice);
    expect(verified).toEqual(['token-a', 'token-b', 'token-a']);
  });

  it('never reuses a token past its expiry, however long the ttl', async () => {
    let time = 0;
    const { auth, verified } = fakeAuth({
      short: user('user:default/alice', 5_000),
    });
    const cached = verifiedTokenCache(auth, { ttlMs: 60_000, now: () => time });
    await cached.authenticate('short');
    time = 4_999;
    await cached.authenticate('short');
    expect(verified).toHaveLength(1);
    time = 5_000;
    await cached.authenticate('short');
    expect(verified).toHaveLength(2);
  });

  it('keeps no failure: a token that was refused is verified again, and refused again', async () => {
    const { auth, verified } = fakeAuth({});
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000 });
    await expect(cached.authenticate('forged')).rejects.toThrow(
      AuthenticationError,
    );
    await expect(cached.authenticate('forged')).rejects.toThrow(
      AuthenticationError,
    );
    expect(verified).toEqual(['forged', 'forged']);
  });

  it('keys on the whole token: one differing byte is verified afresh', async () => {
    const { auth, verified } = fakeAuth({
      'header.payload.signature': user('user:default/alice', Date.now() + HOUR),
    });
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000 });
    await cached.authenticate('header.payload.signature');
    await expect(
      cached.authenticate('header.payload.signaturf'),
    ).rejects.toThrow(AuthenticationError);
    expect(verified).toEqual([
      'header.payload.signature',
      'header.payload.signaturf',
    ]);
  });

  it('does not let a token verified with limited access pass where full access is required', async () => {
    const { auth, verified } = fakeAuth({
      cookie: user('user:default/alice', Date.now() + HOUR),
    });
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000 });
    await cached.authenticate('cookie', { allowLimitedAccess: true });
    await cached.authenticate('cookie');
    expect(verified).toEqual(['cookie (limited)', 'cookie']);
  });

  it('keeps only user credentials with an expiry; service principals go to the service every time', async () => {
    const service: BackstageCredentials = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:catalog' },
    };
    const { auth, verified } = fakeAuth({
      service,
      forever: {
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: 'user:default/alice' },
      },
    });
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000 });
    for (const token of ['service', 'service', 'forever', 'forever']) {
      await cached.authenticate(token);
    }
    expect(verified).toEqual(['service', 'service', 'forever', 'forever']);
  });

  it('verifies once for concurrent first requests with one token', async () => {
    const { auth, verified } = fakeAuth({
      'token-a': user('user:default/alice', Date.now() + HOUR),
    });
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000 });
    await Promise.all(
      Array.from({ length: 50 }, () => cached.authenticate('token-a')),
    );
    expect(verified).toHaveLength(1);
  });

  it('holds at most maxEntries tokens', async () => {
    const tokens = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [
        `token-${i}`,
        user(`user:default/u${i}`, Date.now() + HOUR),
      ]),
    );
    const { auth, verified } = fakeAuth(tokens);
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000, maxEntries: 2 });
    for (const token of Object.keys(tokens)) await cached.authenticate(token);
    await cached.authenticate('token-0');
    expect(verified).toHaveLength(6);
    await cached.authenticate('token-0');
    expect(verified).toHaveLength(6);
  });

  it('passes every other method through', async () => {
    const { auth } = fakeAuth({});
    const cached = verifiedTokenCache(auth, { ttlMs: 10_000 });
    const onBehalfOf = user('user:default/alice', Date.now() + HOUR);
    expect(
      await cached.getPluginRequestToken({
        onBehalfOf,
        targetPluginId: 'catalog',
      }),
    ).toEqual({ token: 'plugin-token' });
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf,
      targetPluginId: 'catalog',
    });
    expect(cached.isPrincipal(onBehalfOf, 'user')).toBe(true);
  });
});
