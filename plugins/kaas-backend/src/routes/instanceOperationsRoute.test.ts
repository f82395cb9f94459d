import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { InstanceService } from '@kaas-platform/plugin-kaas-node';
import { uniqueName } from '@internal/kaas-test-cluster';
import request from 'supertest';
import {
  credentialRoutesConfig,
  credentialRoutesConfigReader,
  tenantsOver,
} from '../__testUtils__/credentialRoutesBackend';
import { kaasPlugin } from '../plugin';

const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/petra': ['group:default/platform-team'],
};
const userRefOf = (credentials: { principal: unknown }) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';

describe('instance operations route against the local control plane (in-process backend, the cache capability of the route tests)', () => {
  const tenant = uniqueName('opsr');
  const asUser = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    const config = credentialRoutesConfigReader();
    const { clusters, tenants, createTenant } = tenantsOver(config);
    const instances = InstanceService.fromConfig(config, { clusters, tenants });
    await createTenant(tenant, 'group:default/team-a');
    await instances.create(
      instances.validate({
        tenant,
        capability: 'cache',
        name: 'c1',
        plan: 'small',
      }),
    );
    await instances.operate({
      tenant,
      name: 'c1',
      operation: 'mark',
      parameters: { holder: 'alice' },
      runName: 'first',
    });
    // Creation times have a resolution of one second.
    await new Promise(resolve => setTimeout(resolve, 1100));
    await instances.operate({
      tenant,
      name: 'c1',
      operation: 'mark',
      parameters: { holder: 'alice' },
      runName: 'second',
    });
    const backend = await startTestBackend({
      features: [
        kaasPlugin,
        mockServices.rootConfig.factory({
          data: { kaas: credentialRoutesConfig() as any },
        }),
        mockServices.permissions.mock({
          authorize: async (queries, options) =>
            queries.map(() => ({
              result:
                userRefOf(options!.credentials) === 'user:default/carol'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const userEntityRef = userRefOf(credentials);
            return {
              userEntityRef,
              ownershipEntityRefs: [
                userEntityRef,
                ...(GROUPS[userEntityRef] ?? []),
              ],
            };
          },
        }).factory,
      ],
    });
    server = backend.server;
  });

  const get = (user: string, instance = 'c1') =>
    request(server)
      .get(`/api/kaas/tenants/${tenant}/instances/${instance}/operations`)
      .set('Authorization', asUser(user));

  it("lists the capability's operations with whether each caller may run them, and the runs newest first", async () => {
    const alice = await get('alice');
    expect(alice.status).toBe(200);
    expect(
      alice.body.operations.map((o: any) => [o.name, o.runBy, o.mayRun]),
    ).toEqual([
      ['mark', 'owners', true],
      ['flush', 'admins', false],
    ]);
    expect(alice.body.operations[0].parameters).toMatchObject({
      required: ['holder'],
    });
    expect(
      alice.body.history.map((h: any) => [h.operation, h.run, h.kind, h.name]),
    ).toEqual([
      ['mark', 'second', 'Secret', 'c1-second'],
      ['mark', 'first', 'Secret', 'c1-first'],
    ]);
    expect(alice.body.history[0]).toMatchObject({
      phase: 'Done',
      ready: true,
      createdAt: expect.any(String),
    });

    const bob = await get('bob');
    expect(bob.status).toBe(200);
    expect(bob.body.operations.map((o: any) => o.mayRun)).toEqual([
      false,
      false,
    ]);
    const petra = await get('petra');
    expect(petra.body.operations.map((o: any) => o.mayRun)).toEqual([
      true,
      true,
    ]);
  });

  it('answers 403 to a caller who may not read the tenant, and 404 for an unknown instance', async () => {
    expect((await get('carol')).status).toBe(403);
    const missing = await get('alice', 'nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain(
      `Instance 'nope' of tenant '${tenant}' does not exist`,
    );
  });
});
