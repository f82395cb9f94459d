import fs from 'node:fs';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import {
  type ActionRun,
  namespaceNames,
  namespaceTenantInput,
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantCreateAction } from './tenantCreate';

describe('kaas:tenant:create against the local control plane, through kaas-node with the backend credential', () => {
  const env = tenantTestEnvironment();
  const action = createKaasTenantCreateAction(env);
  const { created } = tenantsOfTestFile(env);

  const request = namespaceTenantInput;
  const create = async (...args: Parameters<typeof runAction>) => {
    const run = await runAction(...args);
    if (run.outputs.namespace && !args[2].dryRun) {
      created.add(run.outputs.namespace);
    }
    return run;
  };

  /** resourceVersion of every object labelled with the tenant, by kind/namespace/name. */
  async function tenantObjectVersions(
    tenant: string,
  ): Promise<Record<string, string>> {
    const labelSelector = `kaas.internal/tenant=${tenant}`;
    const kc = adminKubeConfig();
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const networking = kc.makeApiClient(NetworkingV1Api);
    const lists = await Promise.all([
      env.core.listNamespace({ labelSelector }),
      env.core.listResourceQuotaForAllNamespaces({ labelSelector }),
      env.core.listLimitRangeForAllNamespaces({ labelSelector }),
      rbac.listRoleBindingForAllNamespaces({ labelSelector }),
      networking.listNetworkPolicyForAllNamespaces({ labelSelector }),
    ]);
    const versions: Record<string, string> = {};
    lists.forEach((list, i) => {
      for (const item of list.items) {
        const m = item.metadata!;
        versions[`${i}/${m.namespace ?? ''}/${m.name}`] = m.resourceVersion!;
      }
    });
    return versions;
  }

  it('creates a namespace tenant owned by the group and returns what a template links to', async () => {
    const name = uniqueName('create');
    const { outputs, logs } = await create(action, request(name), {
      as: 'alice',
    });

    expect(outputs).toEqual({
      tenant: name,
      namespace: expect.stringContaining(name),
      cluster: 'local',
      isolation: 'namespace',
      entityRef: `resource:default/${name}`,
      statusUrl: `http://localhost:3000/catalog/default/resource/${name}/kaas`,
    });
    const namespace = await env.core.readNamespace({
      name: outputs.namespace,
    });
    expect(namespace.status?.phase).toBe('Active');
    expect(namespace.metadata?.labels).toMatchObject({
      'kaas.internal/tenant': name,
      'kaas.internal/managed-by': 'backstage-kaas',
      'kaas.internal/isolation': 'namespace',
    });
    expect(namespace.metadata?.annotations).toMatchObject({
      'kaas.internal/owner': 'group:default/team-a',
    });
    // Once: the service reports each object to the task log, the action does not repeat it.
    expect(
      logs.filter(l => l === `info: Namespace ${outputs.namespace}: created`),
    ).toHaveLength(1);
  });

  it('changes nothing and returns the same output when run again with the same input', async () => {
    const name = uniqueName('again');
    const first = await create(action, request(name, 'team-a'), {
      as: 'arthur',
    });
    const versionsBefore = await tenantObjectVersions(name);
    expect(Object.keys(versionsBefore).length).toBeGreaterThan(1);

    const second = await create(action, request(name, 'team-a'), {
      as: 'arthur',
    });

    expect(second.outputs).toEqual(first.outputs);
    expect(await tenantObjectVersions(name)).toEqual(versionsBefore);
    const objectLines = second.logs.filter(l =>
      /: (created|updated|unchanged)$/.test(l),
    );
    expect(objectLines.length).toBe(Object.keys(versionsBefore).length);
    expect(objectLines.every(l => l.endsWith(': unchanged'))).toBe(true);
  });

  it('creates nothing in a dry run and returns the manifests it would apply', async () => {
    const name = uniqueName('dry');
    const before = await namespaceNames(env.core, name);

    const { outputs } = await create(action, request(name), {
      as: 'alice',
      dryRun: true,
    });

    expect(await namespaceNames(env.core, name)).toEqual(before);
    expect(outputs).toMatchObject({
      tenant: name,
      cluster: 'local',
      entityRef: `resource:default/${name}`,
    });
    expect(outputs.manifests[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: outputs.namespace,
        annotations: { 'kaas.internal/owner': 'group:default/team-a' },
      },
    });
    expect(outputs.manifests.map((m: any) => m.kind)).toEqual(
      expect.arrayContaining(['Namespace', 'ResourceQuota']),
    );
  });

  it('refuses a user who is not a member of the owner group, before anything is written', async () => {
    const name = uniqueName('foreign');
    const before = await namespaceNames(env.core, name);

    await expect(
      create(action, request(name, 'group:default/team-a'), { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /user:default\/bob.*group:default\/team-a/,
      ),
    });

    expect(await namespaceNames(env.core, name)).toEqual(before);
  });

  it("refuses to take over another group's tenant of the same name, changing nothing", async () => {
    const name = uniqueName('taken');
    const { outputs } = await create(action, request(name, 'team-a'), {
      as: 'alice',
    });
    const before = await tenantObjectVersions(name);

    await expect(
      create(action, request(name, 'team-b'), { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('group:default/team-a'),
    });

    expect(await tenantObjectVersions(name)).toEqual(before);
    const namespace = await env.core.readNamespace({
      name: outputs.namespace,
    });
    expect(namespace.metadata?.annotations?.['kaas.internal/owner']).toBe(
      'group:default/team-a',
    );
  });

  it('lets a platform admin create a tenant for any group', async () => {
    const name = uniqueName('admin');
    const { outputs } = await create(action, request(name, 'team-b'), {
      as: 'petra',
    });
    const namespace = await env.core.readNamespace({
      name: outputs.namespace,
    });
    expect(namespace.metadata?.annotations?.['kaas.internal/owner']).toBe(
      'group:default/team-b',
    );
  });

  it('refuses a user the permission policy does not allow to create tenants', async () => {
    const denied = createKaasTenantCreateAction({
      ...env,
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    const name = uniqueName('denied');
    const before = await namespaceNames(env.core, name);

    await expect(
      create(denied, request(name), { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining("'kaas.tenant.create'"),
    });
    expect(await namespaceNames(env.core, name)).toEqual(before);
  });

  it.each([
    ['name', { name: 'Not_A_Name' }],
    ['profile', { profile: 'enormous' }],
    ['owner', { owner: 'user:default/alice' }],
    ['labels', { labels: { 'kaas.internal/owner': 'group:default/team-b' } }],
  ])(
    'refuses invalid %s with an InputError naming the field, creating nothing',
    async (field, change) => {
      const name = uniqueName('bad');
      const before = await namespaceNames(env.core, name);
      await expect(
        create(action, { ...request(name), ...change }, { as: 'alice' }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(field),
      });
      expect(await namespaceNames(env.core, name)).toEqual(before);
    },
  );

  it('never logs a secret', async () => {
    const cluster = testCluster();
    const secrets = [
      fs.readFileSync(cluster.backendTokenFile, 'utf8').trim(),
      ...adminKubeConfig()
        .getUsers()
        .flatMap(u => [u.token, u.keyData, u.certData]),
    ].filter((s): s is string => !!s);
    expect(secrets.length).toBeGreaterThan(0);

    const name = uniqueName('secret');
    const run: ActionRun = { outputs: {}, logs: [] };
    await create(action, request(name), { as: 'alice', run });
    await create(action, request(name), { as: 'alice', dryRun: true, run });

    const logged = run.logs.join('\n');
    expect(run.logs.length).toBeGreaterThan(2);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(
      /bearer|BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/i,
    );
  });
});
