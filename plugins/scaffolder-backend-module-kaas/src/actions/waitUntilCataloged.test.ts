import { capturingLogger } from '../__testUtils__/tenantTestEnvironment';
import { waitUntilCataloged } from './waitUntilCataloged';

const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/alice' },
} as any;

describe('waitUntilCataloged', () => {
  it('waits until the catalog serves the entity, asking with the user credentials', async () => {
    let calls = 0;
    const getEntityByRef = jest.fn(async () =>
      ++calls < 3 ? undefined : ({ kind: 'Resource' } as any),
    );
    const logs: string[] = [];
    const served = await waitUntilCataloged(
      { getEntityByRef },
      'resource:default/team-a-dev',
      { credentials, logger: capturingLogger(logs), timeoutMs: 5_000 },
    );
    expect(served).toBe(true);
    expect(getEntityByRef).toHaveBeenCalledTimes(3);
    expect(getEntityByRef).toHaveBeenCalledWith('resource:default/team-a-dev', {
      credentials,
    });
    expect(logs.join('\n')).toMatch(
      /The catalog serves resource:default\/team-a-dev \(after \d+ ms\)/,
    );
  });

  it('gives up after its bound with a warning, not a failure (the object itself is ready), also when the catalog fails', async () => {
    const logs: string[] = [];
    const served = await waitUntilCataloged(
      { getEntityByRef: async () => Promise.reject(new Error('503')) },
      'resource:default/team-a-dev',
      { credentials, logger: capturingLogger(logs), timeoutMs: 600 },
    );
    expect(served).toBe(false);
    expect(logs.join('\n')).toContain(
      'The catalog does not serve resource:default/team-a-dev yet',
    );
  });
});
