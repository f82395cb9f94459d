import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { uniqueName } from '@internal/kaas-test-cluster';
import {
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantDeleteAction } from './tenantDelete';

describe('kaas:tenant:delete against the local control plane, through kaas-node with the backend credential', () => {
  // The test cluster runs no operator; a labelled ConfigMap stands in for an instance.
  const env = tenantTestEnvironment({
    instanceKinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
  });
  const deleteAction = createKaasTenantDeleteAction(env);
  const tenants = tenantsOfTestFile(env);
  const createTenant = (owner = 'group:default/team-a') =>
    tenants.createTenant(uniqueName('del'), { owner, as: 'petra' });

  async function namespaceExists(name: string): Promise<boolean> {
    try {
      const namespace = await env.core.readNamespace({ name });
      return namespace.status?.phase !== 'Terminating';
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  }

  it('deletes the tenant and waits until it is gone; a re-run succeeds too', async () => {
    const { name, namespace } = await createTenant();

    const first = await runAction(deleteAction, { name }, { as: 'alice' });

    expect(first.outputs).toEqual({ tenant: name, deleted: true });
    await expect(
      env.core.readNamespace({ name: namespace }),
    ).rejects.toMatchObject({
      code: 404,
    });
    const again = await runAction(deleteAction, { name }, { as: 'alice' });
    expect(again.outputs).toEqual(first.outputs);
  });

  it("refuses a user who may not act for the tenant's owner on the cluster", async () => {
    const { name, namespace } = await createTenant('group:default/team-a');
    await expect(
      runAction(deleteAction, { name }, { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /user:default\/bob.*group:default\/team-a/,
      ),
    });
    expect(await namespaceExists(namespace)).toBe(true);
  });

  it("lets a platform admin delete any group's tenant", async () => {
    const { name, namespace } = await createTenant('group:default/team-b');
    await runAction(
      deleteAction,
      { name, waitUntilGone: false },
      { as: 'petra' },
    );
    expect(await namespaceExists(namespace)).toBe(false);
  });

  it('refuses a user the permission policy does not allow to delete tenants', async () => {
    const { name, namespace } = await createTenant();
    const denied = createKaasTenantDeleteAction({
      ...env,
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    await expect(
      runAction(denied, { name }, { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining("'kaas.tenant.delete'"),
    });
    expect(await namespaceExists(namespace)).toBe(true);
  });

  it('deletes nothing in a dry run and says what would be deleted', async () => {
    const { name, namespace } = await createTenant();
    const { outputs, logs } = await runAction(
      deleteAction,
      { name },
      { as: 'alice', dryRun: true },
    );
    expect(outputs).toEqual({ tenant: name, deleted: false });
    expect(await namespaceExists(namespace)).toBe(true);
    expect(logs.join('\n')).toContain(
      `Dry run: tenant '${name}' and everything in namespace '${namespace}' would be deleted`,
    );
  });

  it('refuses while an XaaS instance lives in the tenant, and deletes both with deleteInstances', async () => {
    const { name, namespace } = await createTenant();
    await env.core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'orders-db',
          labels: {
            'kaas.internal/tenant': name,
            'kaas.internal/capability': 'postgresql',
            'kaas.internal/managed-by': 'backstage-kaas',
          },
          // Marked as instances are: only an object of the tenant's owner is deleted.
          annotations: { 'kaas.internal/owner': 'group:default/team-a' },
        },
      },
    });

    await expect(
      runAction(deleteAction, { name }, { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/orders-db.*postgresql/),
    });
    expect(await namespaceExists(namespace)).toBe(true);

    const { outputs, logs } = await runAction(
      deleteAction,
      { name, deleteInstances: true },
      { as: 'alice' },
    );
    expect(outputs).toEqual({ tenant: name, deleted: true });
    expect(await namespaceExists(namespace)).toBe(false);
    expect(
      logs.filter(l => l === `info: ConfigMap ${namespace}/orders-db: deleted`),
    ).toHaveLength(1);
  });

  it('succeeds again while the tenant is still being deleted', async () => {
    const { name, namespace } = await createTenant();
    // A finalizer nobody removes keeps the namespace terminating.
    await env.core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
      },
    });
    try {
      const input = { name, waitUntilGone: false };
      const first = await runAction(deleteAction, input, { as: 'alice' });
      const again = await runAction(deleteAction, input, { as: 'alice' });

      expect(again.outputs).toEqual(first.outputs);
      expect(await namespaceExists(namespace)).toBe(false);
    } finally {
      await env.core.patchNamespacedConfigMap({
        namespace,
        name: 'held',
        body: [{ op: 'remove', path: '/metadata/finalizers' }],
      });
    }
  });
});
