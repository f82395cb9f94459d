import crypto from 'node:crypto';
import { mockCredentials } from '@backstage/backend-test-utils';
import { CoreV1Api } from '@kubernetes/client-node';
import { InstanceService } from '@kaas-platform/plugin-kaas-node';
import { adminKubeConfig, uniqueName } from '@internal/kaas-test-cluster';
import request from 'supertest';
import {
  credentialRoutesConfigReader,
  ownerPolicy,
  startCredentialRoutesBackend,
  tenantsOver,
} from '../__testUtils__/credentialRoutesBackend';

describe('instance credentials route against the local control plane', () => {
  const alice = mockCredentials.user.header('user:default/alice');
  const bob = mockCredentials.user.header('user:default/bob');
  const tenant = uniqueName('cred');
  const password = crypto.randomBytes(16).toString('hex');
  const policy = ownerPolicy();
  let backend: Awaited<ReturnType<typeof startCredentialRoutesBackend>>;

  beforeAll(async () => {
    const config = credentialRoutesConfigReader();
    const { clusters, tenants, createTenant } = tenantsOver(config);
    const instances = InstanceService.fromConfig(config, { clusters, tenants });
    await createTenant(tenant, 'group:default/team-a');
    for (const name of ['cache1', 'cache2']) {
      await instances.create(
        instances.validate({
          tenant,
          capability: 'cache',
          name,
          plan: 'small',
        }),
      );
    }
    // The connection Secret of cache1, as the operator writes it; cache2 has none yet.
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: `t-${tenant}`,
        body: {
          metadata: { name: 'cache1-app' },
          stringData: {
            username: 'app',
            password,
            uri: `redis://app:${password}@cache1-rw:6379`,
          },
        },
      });
    backend = await startCredentialRoutesBackend(policy);
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('reveals every key to a member of the owner group; the audit log names the keys, never a value', async () => {
    const res = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/instances/cache1/credentials`)
      .set('Authorization', alice);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      secretName: 'cache1-app',
      values: {
        password,
        uri: `redis://app:${password}@cache1-rw:6379`,
        username: 'app',
      },
    });
    expect(policy.requests).toContainEqual({
      permission: 'xaas.instance.credentials.read',
    });
    const event = backend.logger
      .auditEvents()
      .find(
        e =>
          e.eventId === 'instance-credentials-read' && e.status === 'succeeded',
      );
    expect(event).toMatchObject({
      severityLevel: 'high',
      actor: { actorId: 'user:default/alice' },
      meta: {
        tenant,
        instance: 'cache1',
        secretName: 'cache1-app',
        keys: ['password', 'uri', 'username'],
      },
    });
    expect(backend.logger.lines.join('\n')).not.toContain(password);
  });

  it('refuses other teams, saying who may', async () => {
    const res = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/instances/cache1/credentials`)
      .set('Authorization', bob);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      `Only members of group:default/team-a and platform admins (group:default/platform-team) may read the credentials of instance 'cache1' of tenant '${tenant}'`,
    );
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect(
      backend.logger
        .auditEvents()
        .some(
          e =>
            e.eventId === 'instance-credentials-read' &&
            e.status === 'failed' &&
            e.actor?.actorId === 'user:default/bob',
        ),
    ).toBe(true);
  });

  it('answers 404 for an unknown instance and for a Secret the operator has not written yet', async () => {
    const unknown = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/instances/nope/credentials`)
      .set('Authorization', alice);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      `Instance 'nope' of tenant '${tenant}' does not exist`,
    );

    const notYet = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/instances/cache2/credentials`)
      .set('Authorization', alice);
    expect(notYet.status).toBe(404);
    expect(notYet.body.error.message).toBe(
      `Secret 't-${tenant}/cache2-app' of instance 'cache2' does not exist yet; wait until the instance is ready`,
    );
  });
});
