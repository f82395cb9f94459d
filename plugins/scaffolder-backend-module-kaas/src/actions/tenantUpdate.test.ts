import { uniqueName, waitFor } from '@internal/kaas-test-cluster';
import {
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantCreateAction } from './tenantCreate';
import { createKaasTenantUpdateAction } from './tenantUpdate';

describe('kaas:tenant:update against the local control plane', () => {
  const env = tenantTestEnvironment();
  const action = createKaasTenantUpdateAction(env);
  const { createTenant } = tenantsOfTestFile(env);

  const update = (name: string, changes: Record<string, unknown>) => ({
    name,
    owner: 'group:default/team-a',
    isolation: 'namespace',
    profile: 'small',
    ...changes,
  });
  const hardOf = async (namespace: string) =>
    (
      await env.core.readNamespacedResourceQuota({
        name: 'tenant-quota',
        namespace,
      })
    ).spec?.hard;

  it('lists what a dry run would change and writes nothing; the real run changes quota, limits, description and labels', async () => {
    const { name, namespace } = await createTenant(uniqueName('upd'), {
      as: 'alice',
    });
    const input = update(name, {
      profile: 'medium',
      description: 'Now bigger',
      labels: { 'example.com/cost-center': 'cc-42' },
    });

    const dry = await runAction(action, input, { as: 'alice', dryRun: true });
    expect(dry.outputs.changes).toEqual(
      expect.arrayContaining([
        {
          object: `ResourceQuota '${namespace}/tenant-quota'`,
          path: 'spec.hard.pods',
          from: '"20"',
          to: '"40"',
        },
        expect.objectContaining({
          object: `Namespace '${namespace}'`,
          path: 'metadata.labels.example.com/cost-center',
          to: '"cc-42"',
        }),
      ]),
    );
    expect(dry.logs).toContain(
      `info: Would change ResourceQuota '${namespace}/tenant-quota' spec.hard.pods: "20" -> "40"`,
    );
    expect(await hardOf(namespace)).toMatchObject({ pods: '20' });

    const done = await runAction(action, input, { as: 'alice' });
    expect(done.outputs).toMatchObject({ tenant: name, namespace });
    expect(await hardOf(namespace)).toMatchObject({
      pods: '40',
      'requests.cpu': '4',
      'requests.memory': '8Gi',
    });
    const home = await env.core.readNamespace({ name: namespace });
    expect(home.metadata?.labels?.['example.com/cost-center']).toBe('cc-42');

    const again = await runAction(action, input, { as: 'alice' });
    expect(again.outputs.changes).toEqual([]);
    expect(again.logs).toContain(`info: Tenant '${name}' is already as asked`);

    // What a request leaves out stays as it is: only the profile changes back.
    const back = await runAction(action, update(name, { profile: 'small' }), {
      as: 'alice',
    });
    expect(back.outputs.changes.map((c: any) => c.path)).not.toContain(
      'metadata.labels.example.com/cost-center',
    );
    expect(await hardOf(namespace)).toMatchObject({ pods: '20' });
    const after = await env.core.readNamespace({ name: namespace });
    expect(after.metadata?.labels?.['example.com/cost-center']).toBe('cc-42');
  });

  it('refuses a profile below what the tenant uses now, naming each resource, and changes nothing', async () => {
    const { name, namespace } = await createTenant(uniqueName('upd-use'), {
      as: 'alice',
    });
    await env.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'app' },
        spec: {
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'app',
              image: 'busybox',
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    });
    // The quota controller counts the pod (pods 1, requests.cpu 100m from the limits).
    await waitFor(
      async () =>
        (
          await env.core.readNamespacedResourceQuota({
            name: 'tenant-quota',
            namespace,
          })
        ).status?.used?.pods === '1' || undefined,
      { timeoutMs: 30_000, describe: () => 'the quota to count the pod' },
    );

    await expect(
      runAction(action, update(name, { profile: 'tiny' }), { as: 'alice' }),
    ).rejects.toThrow(
      `profile: 'tiny' allows less than tenant '${name}' uses now (requests.cpu: the profile allows 50m, the tenant uses 100m now; requests.memory: the profile allows 64Mi, the tenant uses 128Mi now; pods: the profile allows 0, the tenant uses 1 now); free those resources first, or choose a larger profile`,
    );
    expect(await hardOf(namespace)).toMatchObject({ pods: '20' });
    // kaas:tenant:create on the existing tenant re-applies it: the same check holds.
    await expect(
      runAction(
        createKaasTenantCreateAction(env),
        update(name, { profile: 'tiny' }),
        { as: 'alice' },
      ),
    ).rejects.toThrow(
      `profile: 'tiny' allows less than tenant '${name}' uses now`,
    );
    expect(await hardOf(namespace)).toMatchObject({ pods: '20' });
  });

  it.each([
    [
      'bob, who is not in the owner group',
      { as: 'bob' as const, input: {} },
      /user:default\/bob is not a member of group:default\/team-a/,
    ],
    [
      'another owner (an ownership transfer, not an update)',
      { as: 'alice' as const, input: { owner: 'group:default/team-b' } },
      /belongs to group:default\/team-a, not group:default\/team-b/,
    ],
    [
      'another isolation',
      { as: 'alice' as const, input: { isolation: 'vcluster' } },
      /isolation: .* is a namespace tenant and stays one/,
    ],
  ])('refuses %s', async (_, { as, input }, message) => {
    const { name, namespace } = await createTenant(uniqueName('upd-no'), {
      as: 'alice',
    });
    await expect(
      runAction(action, update(name, { profile: 'medium', ...input }), { as }),
    ).rejects.toThrow(message);
    expect(await hardOf(namespace)).toMatchObject({ pods: '20' });
  });

  it('refuses a tenant that does not exist, creating nothing', async () => {
    const name = uniqueName('upd-none');
    await expect(
      runAction(action, update(name, {}), { as: 'alice' }),
    ).rejects.toThrow(`Tenant '${name}' does not exist; create it first`);
    expect(await env.tenants.get(name)).toBeUndefined();
  });
});
