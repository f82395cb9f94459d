import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import {
  CoreV1Api,
  KubernetesObjectApi,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  VCLUSTER_KINDS,
  adminKubeConfig,
  adminKubectl,
  installCrds,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from './TenantService';
import {
  TEST_CLAIM,
  localTenantTestConfig,
} from '../__testUtils__/tenantTestPolicy';

const CNPG_CLUSTER = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' };
const MANAGED_BY = 'kaas.internal/managed-by=backstage-kaas';

const kubectl = (...args: string[]) => adminKubectl(testCluster(), ...args);

/** Stands in for a Crossplane XRD: the CRD of a namespaced claim kind. */
function testClaimCrd() {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${TEST_CLAIM.plural}.${TEST_CLAIM.group}` },
    spec: {
      group: TEST_CLAIM.group,
      scope: 'Namespaced',
      names: {
        kind: TEST_CLAIM.kind,
        plural: TEST_CLAIM.plural,
        singular: TEST_CLAIM.kind.toLowerCase(),
        listKind: `${TEST_CLAIM.kind}List`,
      },
      versions: [
        {
          name: TEST_CLAIM.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['parameters'],
                  properties: {
                    parameters: {
                      type: 'object',
                      required: ['region', 'nodes'],
                      properties: {
                        region: { type: 'string' },
                        nodes: { type: 'integer', minimum: 1 },
                        team: { type: 'string' },
                      },
                    },
                    writeConnectionSecretToRef: {
                      type: 'object',
                      required: ['name'],
                      properties: { name: { type: 'string' } },
                    },
                  },
                },
                status: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
            },
          },
        },
      ],
    },
  };
}

describe('TenantService against the local control plane with the backend credential and upstream Cluster API / vCluster CRDs', () => {
  const config = localTenantTestConfig();
  // The kind the instance tests below create; a backend takes it from kaas.capabilities.
  const tenants = TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
    instanceKinds: [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' }],
  });
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const request = (name: string, extra: Record<string, unknown> = {}) =>
    tenants.validate({
      name,
      owner: 'team-a',
      isolation: 'namespace',
      profile: 'small',
      ...extra,
    });
  const namespaceExists = async (name: string) => {
    try {
      await core.readNamespace({ name });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  };
  /** Managed namespaces whose name contains `containing`: other test files create theirs meanwhile. */
  const managedNamespaces = async (containing = '') =>
    (await core.listNamespace({ labelSelector: MANAGED_BY })).items
      .map(n => n.metadata!.name!)
      .filter(n => n.includes(containing))
      .sort();

  beforeAll(async () => {
    const claimCrd = path.join(os.tmpdir(), `${uniqueName('claim-crd')}.json`);
    fs.writeFileSync(claimCrd, JSON.stringify(testClaimCrd()));
    await installCrds(
      testCluster(),
      ['cluster-api', 'cluster-api-provider-vcluster', claimCrd],
      [
        ...VCLUSTER_KINDS,
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass' },
        {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
        },
        {
          apiVersion: `${TEST_CLAIM.group}/${TEST_CLAIM.version}`,
          kind: TEST_CLAIM.kind,
        },
      ],
    );
  }, 120_000);

  it('creates a namespace tenant with its policy, idempotently, and reports it ready', async () => {
    const name = uniqueName('ns');
    const first = await tenants.create(
      request(name, {
        description: 'Team A development',
        labels: { 'example.com/cost-center': 'cc-42' },
      }),
    );
    expect(first).toMatchObject({
      tenant: name,
      namespace: `t-${name}`,
      cluster: 'local',
      isolation: 'namespace',
    });
    expect(first.objects.map(o => `${o.kind}/${o.name}:${o.action}`)).toEqual([
      `Namespace/t-${name}:created`,
      'ResourceQuota/tenant-quota:created',
      'LimitRange/tenant-limits:created',
      'RoleBinding/tenant-owner-admin:created',
      'RoleBinding/platform-team-view:created',
      'NetworkPolicy/default-deny-ingress:created',
      'NetworkPolicy/allow-from-monitoring:created',
    ]);

    const ns = await core.readNamespace({ name: `t-${name}` });
    expect(ns.metadata?.labels).toMatchObject({
      'kaas.internal/tenant': name,
      'kaas.internal/managed-by': 'backstage-kaas',
      'kaas.internal/isolation': 'namespace',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      monitoring: 'enabled',
      team: 'team-a',
      'example.com/cost-center': 'cc-42',
    });
    expect(ns.metadata?.annotations).toMatchObject({
      'kaas.internal/owner': 'group:default/team-a',
      'kaas.internal/description': 'Team A development',
    });
    expect(
      JSON.parse(ns.metadata!.annotations!['kaas.internal/spec']),
    ).toMatchObject({ name, owner: 'group:default/team-a', profile: 'small' });
    const binding = await admin
      .makeApiClient(RbacAuthorizationV1Api)
      .readNamespacedRoleBinding({
        name: 'tenant-owner-admin',
        namespace: `t-${name}`,
      });
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' },
    ]);
    expect(binding.metadata?.labels?.['kaas.internal/tenant']).toBe(name);
    const policies = await admin
      .makeApiClient(NetworkingV1Api)
      .listNamespacedNetworkPolicy({ namespace: `t-${name}` });
    expect(policies.items).toHaveLength(2);

    const progress: string[] = [];
    const readiness = await tenants.waitUntilReady(name, {
      timeoutMs: 60_000,
      pollMs: 500,
      onProgress: m => progress.push(m),
    });
    expect(readiness.ready).toBe(true);
    expect(readiness.conditions.map(c => c.type)).toEqual([
      'NamespaceActive',
      'QuotaCounted',
    ]);
    expect(progress.at(-1)).toBe(`Tenant '${name}' is ready`);

    // Re-applying the same request writes nothing: every resourceVersion stays. (Compared
    // after readiness, because the quota controller writes the quota's status once.)
    const again = () =>
      tenants.create(
        request(name, {
          description: 'Team A development',
          labels: { 'example.com/cost-center': 'cc-42' },
        }),
      );
    const second = await again();
    const third = await again();
    expect(second.objects.map(o => o.action)).toEqual(
      first.objects.map(() => 'unchanged'),
    );
    expect(third.objects.map(o => o.resourceVersion)).toEqual(
      second.objects.map(o => o.resourceVersion),
    );
    expect(
      second.objects
        .filter(o => o.kind !== 'ResourceQuota')
        .map(o => o.resourceVersion),
    ).toEqual(
      first.objects
        .filter(o => o.kind !== 'ResourceQuota')
        .map(o => o.resourceVersion),
    );

    await expect(tenants.get(name)).resolves.toMatchObject({
      name,
      namespace: `t-${name}`,
      cluster: 'local',
      isolation: 'namespace',
      owner: 'group:default/team-a',
      profile: 'small',
    });

    // A profile with networkPolicy 'none' and a changed description is an update.
    const updated = await tenants.create(request(name, { profile: 'open' }));
    expect(updated.objects.find(o => o.kind === 'Namespace')?.action).toBe(
      'updated',
    );
    expect(updated.objects.some(o => o.kind === 'NetworkPolicy')).toBe(false);
  }, 120_000);

  it('dry-runs a new tenant: the server validates everything (in the platform namespace) and nothing is created', async () => {
    // Another tenant's namespace exists; the dry run must not use it.
    const existing = uniqueName('dry-home');
    await tenants.create(request(existing));

    const name = uniqueName('dry');
    const result = await tenants.create(
      request(name, { isolation: 'vcluster' }),
      { dryRun: true },
    );
    expect(result.objects.every(o => o.action === 'dry-run')).toBe(true);
    expect(
      result.manifests?.map(
        m => `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`,
      ),
    ).toEqual([
      `Namespace//t-${name}`,
      `ResourceQuota/t-${name}/tenant-quota`,
      `LimitRange/t-${name}/tenant-limits`,
      // No tenant-owner-admin: the owner administers the virtual cluster, not this namespace.
      `RoleBinding/t-${name}/platform-team-view`,
      `NetworkPolicy/t-${name}/default-deny-ingress`,
      `NetworkPolicy/t-${name}/allow-from-monitoring`,
      `Cluster/t-${name}/${name}`,
      `VCluster/t-${name}/${name}`,
      `VCluster/t-${name}/${name}`,
    ]);
    expect(result.dryRunValidatedIn).toBe('kaas-platform');
    expect(await namespaceExists(`t-${name}`)).toBe(false);
    for (const namespace of [`t-${existing}`, 'default', 'kaas-platform']) {
      const leftovers = await objects.list(
        'cluster.x-k8s.io/v1beta2',
        'Cluster',
        namespace,
      );
      expect(leftovers.items).toEqual([]);
    }

    // The server, not only our schema, checks the objects: it refuses what the CRD refuses.
    const broken = uniqueName('dry-broken');
    await expect(
      tenants.create(
        request(broken, { isolation: 'cluster', profile: 'broken' }),
        {
          dryRun: true,
        },
      ),
    ).rejects.toThrow(/spec\.topology\.workers\.machineDeployments\[0\]\.name/);
    expect(await namespaceExists(`t-${broken}`)).toBe(false);

    // A dry run against an existing tenant validates in place and changes nothing.
    const before = await core.readNamespace({ name: `t-${existing}` });
    const again = await tenants.create(request(existing, { profile: 'open' }), {
      dryRun: true,
    });
    expect(again.objects[0].action).toBe('dry-run');
    const after = await core.readNamespace({ name: `t-${existing}` });
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
  }, 120_000);

  it('creates a virtual cluster tenant that is ready once Cluster API reports it provisioned, and deletes it', async () => {
    const name = uniqueName('vc');
    const namespace = `t-${name}`;
    const result = await tenants.create(
      request(name, { isolation: 'vcluster' }),
    );
    expect(
      result.objects
        .slice(-3)
        .map(o => `${o.apiVersion}/${o.kind}:${o.action}`),
    ).toEqual([
      'cluster.x-k8s.io/v1beta2/Cluster:created',
      'controlplane.cluster.x-k8s.io/v1alpha1/VCluster:created',
      'infrastructure.cluster.x-k8s.io/v1alpha1/VCluster:created',
    ]);
    const capiCluster = (await objects.read({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name, namespace },
    })) as any;
    expect(capiCluster.spec.controlPlaneRef).toEqual({
      apiGroup: 'controlplane.cluster.x-k8s.io',
      kind: 'VCluster',
      name,
    });
    expect(capiCluster.spec.infrastructureRef.apiGroup).toBe(
      'infrastructure.cluster.x-k8s.io',
    );
    const controlPlane = (await objects.read({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
      kind: 'VCluster',
      metadata: { name, namespace },
    })) as any;
    expect(controlPlane.spec.helmRelease.valuesObject).toEqual({
      sync: { toHost: { ingresses: { enabled: true } } },
      controlPlane: { distro: { k8s: { version: 'v1.33.4' } } },
    });
    const again = await tenants.create(
      request(name, { isolation: 'vcluster' }),
    );
    expect(again.objects.every(o => o.action === 'unchanged')).toBe(true);

    await expect(
      tenants.waitUntilReady(name, { timeoutMs: 1500, pollMs: 500 }),
    ).rejects.toThrow(
      /not ready within 2 s; still missing: .*ClusterAvailable: Cluster '.*' is in phase \(none yet\).*KubeconfigAvailable: Secret '.*-kubeconfig' does not exist yet/,
    );

    // What the Cluster API controllers would do once the virtual cluster runs.
    await markClusterProvisioned('clusters.cluster.x-k8s.io', name, namespace, {
      phase: 'Provisioned',
      conditions: ['Available', 'ControlPlaneAvailable', 'InfrastructureReady'],
    });
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: `${name}-kubeconfig` },
        stringData: { value: 'apiVersion: v1\nkind: Config\n' },
      },
    });
    const readiness = await tenants.waitUntilReady(name, {
      timeoutMs: 60_000,
      pollMs: 500,
    });
    expect(readiness.conditions.map(c => `${c.type}=${c.status}`)).toEqual([
      'NamespaceActive=True',
      'QuotaCounted=True',
      'ClusterAvailable=True',
      'KubeconfigAvailable=True',
    ]);

    const deleted = await tenants.delete(name, {
      waitUntilGone: true,
      timeoutMs: 90_000,
    });
    expect(deleted.deleted.map(d => d.kind)).toEqual(['Cluster', 'Namespace']);
    expect(await namespaceExists(namespace)).toBe(false);
    await expect(tenants.get(name)).resolves.toBeUndefined();
  }, 150_000);

  it('creates whole-cluster tenants from a ClusterClass topology and from a Crossplane claim', async () => {
    const name = uniqueName('wc');
    const namespace = `t-${name}`;
    await tenants.create(
      request(name, { isolation: 'cluster', profile: 'large' }),
    );
    const capiCluster = (await objects.read({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name, namespace },
    })) as any;
    expect(capiCluster.spec.topology).toEqual({
      classRef: { name: 'kaas-default' },
      version: 'v1.33.4',
      workers: {
        machineDeployments: [
          { class: 'default-worker', name: 'md-0', replicas: 2 },
        ],
      },
      variables: [{ name: 'owner', value: 'team-a' }],
    });

    const claimed = uniqueName('xp');
    await tenants.create(
      request(claimed, { isolation: 'cluster', profile: 'managed' }),
    );
    const claim = (await objects.read({
      apiVersion: `${TEST_CLAIM.group}/${TEST_CLAIM.version}`,
      kind: TEST_CLAIM.kind,
      metadata: { name: claimed, namespace: `t-${claimed}` },
    })) as any;
    expect(claim.spec).toEqual({
      parameters: { region: 'eu-1', nodes: 3, team: 'team-a' },
      writeConnectionSecretToRef: { name: `${claimed}-kubeconfig` },
    });
    await kubectl(
      'patch',
      `${TEST_CLAIM.plural}.${TEST_CLAIM.group}/${claimed}`,
      '-n',
      `t-${claimed}`,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }],
        },
      }),
    );
    await core.createNamespacedSecret({
      namespace: `t-${claimed}`,
      body: {
        metadata: { name: `${claimed}-kubeconfig` },
        stringData: { kubeconfig: 'x' },
      },
    });
    const readiness = await tenants.waitUntilReady(claimed, {
      timeoutMs: 60_000,
      pollMs: 500,
    });
    expect(readiness.conditions.map(c => c.type)).toContain('ClaimReady');

    await tenants.delete(name, { waitUntilGone: true, timeoutMs: 90_000 });
    await tenants.delete(claimed, { waitUntilGone: true, timeoutMs: 90_000 });
  }, 180_000);

  it('never touches a namespace that is not ours or belongs to another owner', async () => {
    const unmarked = uniqueName('foreign');
    await core.createNamespace({
      body: { metadata: { name: `t-${unmarked}` } },
    });
    const other = uniqueName('other');
    await core.createNamespace({
      body: {
        metadata: {
          name: `t-${other}`,
          labels: {
            'kaas.internal/managed-by': 'backstage-kaas',
            'kaas.internal/tenant': other,
          },
          annotations: { 'kaas.internal/owner': 'group:default/team-b' },
        },
      },
    });
    const versions = async () =>
      Promise.all(
        [unmarked, other].map(async n => {
          const ns = await core.readNamespace({ name: `t-${n}` });
          const quotas = await core.listNamespacedResourceQuota({
            namespace: `t-${n}`,
          });
          return [
            ns.metadata?.resourceVersion,
            ns.metadata?.labels,
            quotas.items.length,
          ];
        }),
      );
    const before = await versions();

    const refusedUnmarked = tenants.create(request(unmarked));
    await expect(refusedUnmarked).rejects.toThrow(ConflictError);
    await expect(refusedUnmarked).rejects.toThrow(
      `Namespace 't-${unmarked}' already exists and is not managed by the platform; choose another tenant name.`,
    );
    await expect(tenants.create(request(other))).rejects.toThrow(
      `Namespace 't-${other}' already exists and belongs to group:default/team-b; choose another tenant name.`,
    );
    await expect(
      tenants.create(request(other), { dryRun: true }),
    ).rejects.toThrow(/belongs to group:default\/team-b/);
    await expect(tenants.delete(unmarked)).rejects.toThrow(/does not exist/);
    expect(await versions()).toEqual(before);
  }, 60_000);

  it("gives each of 5 new names to exactly one of two teams creating them at once (20 concurrent creates), with nothing of the loser in the winner's namespace", async () => {
    const names = Array.from({ length: 5 }, () => uniqueName('race'));
    const owners = ['group:default/team-a', 'group:default/team-b'];
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        tenants.create(request(names[i % 5], { owner: owners[i % 2] })),
      ).map(async (creating, i) => ({
        name: names[i % 5],
        owner: owners[i % 2],
        result: await creating,
      })),
    );
    const outcomes = attempts.map((attempt, i) => ({
      name: names[i % 5],
      owner: owners[i % 2],
      error: attempt.status === 'rejected' ? attempt.reason : undefined,
    }));

    for (const name of names) {
      const mine = outcomes.filter(o => o.name === name);
      const winners = new Set(mine.filter(o => !o.error).map(o => o.owner));
      expect(winners.size).toBe(1);
      const [winner] = winners;
      for (const loser of mine.filter(o => o.error)) {
        // Only the other team loses, told whose the name is.
        expect(loser.owner).not.toBe(winner);
        expect(loser.error).toBeInstanceOf(ConflictError);
        expect(loser.error.message).toMatch(
          new RegExp(
            `'t-${name}' already exists and belongs to ${winner}; choose another tenant name\\.`,
          ),
        );
      }

      const namespace = `t-${name}`;
      const ns = await core.readNamespace({ name: namespace });
      expect(ns.metadata?.annotations?.['kaas.internal/owner']).toBe(winner);
      expect(ns.metadata?.labels?.team).toBe(winner.split('/')[1]);
      expect(
        JSON.parse(ns.metadata!.annotations!['kaas.internal/spec']).owner,
      ).toBe(winner);
      const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
      const bindings = (await rbac.listNamespacedRoleBinding({ namespace }))
        .items;
      expect(
        bindings.find(b => b.metadata?.name === 'tenant-owner-admin')?.subjects,
      ).toEqual([
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: winner.split('/')[1],
        },
      ]);
      const inside = [
        ...bindings,
        ...(await core.listNamespacedResourceQuota({ namespace })).items,
        ...(await core.listNamespacedLimitRange({ namespace })).items,
        ...(
          await admin
            .makeApiClient(NetworkingV1Api)
            .listNamespacedNetworkPolicy({ namespace })
        ).items,
      ];
      expect(inside).toHaveLength(6);
      for (const object of inside) {
        expect(object.metadata?.annotations?.['kaas.internal/owner']).toBe(
          winner,
        );
      }
    }
  }, 120_000);

  it('never adopts a marked namespace that records no owner, nor what was put into it', async () => {
    const name = uniqueName('unowned');
    const namespace = `t-${name}`;
    // Whoever may create namespaces prepares one with the platform's marks but no owner,
    // and a RoleBinding that would make them admin of whatever tenant adopts it.
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: {
            'kaas.internal/managed-by': 'backstage-kaas',
            'kaas.internal/tenant': name,
            'kaas.internal/isolation': 'namespace',
          },
        },
      },
    });
    await admin
      .makeApiClient(RbacAuthorizationV1Api)
      .createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: 'planted-admin' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'admin',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: 'team-b',
            },
          ],
        },
      });
    const before = await core.readNamespace({ name: namespace });

    const attempt = tenants.create(request(name));
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      `Namespace '${namespace}' already exists and records no owner (annotation kaas.internal/owner), so it is not known to be group:default/team-a's; choose another tenant name.`,
    );
    const after = await core.readNamespace({ name: namespace });
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
    expect(
      after.metadata?.annotations?.['kaas.internal/owner'],
    ).toBeUndefined();
    expect(
      (await core.listNamespacedResourceQuota({ namespace })).items,
    ).toEqual([]);
  }, 60_000);

  it('takes up, inside its own home namespace, objects an earlier version wrote without an owner annotation, and deletes a tenant whose Cluster records none', async () => {
    const name = uniqueName('legacy');
    const namespace = `t-${name}`;
    await tenants.create(request(name, { isolation: 'vcluster' }));
    const ownerOf = async (kind: string, object: string) =>
      (
        await kubectl(
          'get',
          kind,
          object,
          '-n',
          namespace,
          '-o',
          "jsonpath={.metadata.annotations['kaas\\.internal/owner']}",
        )
      ).trim();
    // Before owners were recorded on every object, only the namespace and instances had one.
    const forget = async () => {
      for (const [kind, object] of [
        ['resourcequota', 'tenant-quota'],
        ['clusters.cluster.x-k8s.io', name],
      ]) {
        await kubectl(
          'annotate',
          kind,
          object,
          '-n',
          namespace,
          'kaas.internal/owner-',
        );
        expect(await ownerOf(kind, object)).toBe('');
      }
    };
    await forget();

    await tenants.create(request(name, { isolation: 'vcluster' }));
    expect(await ownerOf('resourcequota', 'tenant-quota')).toBe(
      'group:default/team-a',
    );
    expect(await ownerOf('clusters.cluster.x-k8s.io', name)).toBe(
      'group:default/team-a',
    );

    await forget();
    const deleted = await tenants.delete(name, {
      waitUntilGone: true,
      timeoutMs: 90_000,
    });
    expect(deleted.deleted.map(d => d.kind)).toEqual(['Cluster', 'Namespace']);
  }, 150_000);

  it('deletes only the tenant the caller checked: a summary of another owner or cluster deletes nothing', async () => {
    const name = uniqueName('pinned');
    await tenants.create(request(name));
    const checked = (await tenants.get(name))!;
    for (const other of [
      { ...checked, owner: 'group:default/team-b' },
      { ...checked, cluster: 'elsewhere' },
    ]) {
      await expect(tenants.delete(other)).rejects.toThrow(
        `Tenant '${name}' is now found on cluster 'local' for group:default/team-a, not on cluster '${other.cluster}' for ${other.owner} as when it was checked; nothing was deleted, try again`,
      );
      expect(await namespaceExists(`t-${name}`)).toBe(true);
    }
    await tenants.delete(checked, { waitUntilGone: true });
    expect(await namespaceExists(`t-${name}`)).toBe(false);
  }, 60_000);

  it('binds an owner group outside the default catalog namespace under its namespaced name, which the same-named default group does not hold', async () => {
    // The test baseline labels namespaces with the owner name, which cannot hold a '/'.
    const withoutTeamLabel = new ConfigReader({
      kaas: {
        ...(config.get('kaas') as any),
        baseline: (config.get('kaas.baseline') as any[]).filter(
          b => b.kind !== 'Namespace',
        ),
      },
    });
    const otherTenants = TenantService.fromConfig(withoutTeamLabel, {
      clusters: ClusterRegistry.fromConfig(withoutTeamLabel),
    });
    const name = uniqueName('ns-group');
    const namespace = `t-${name}`;
    await otherTenants.create(
      otherTenants.validate({
        name,
        owner: 'group:other/team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    const binding = await admin
      .makeApiClient(RbacAuthorizationV1Api)
      .readNamespacedRoleBinding({ name: 'tenant-owner-admin', namespace });
    expect(binding.subjects).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'other/team-a',
      },
    ]);
    const canCreatePods = async (group: string) =>
      (
        await kubectl(
          'auth',
          'can-i',
          'create',
          'pods',
          '-n',
          namespace,
          '--as=someone',
          `--as-group=${group}`,
        ).catch((error: { stdout?: string }) => error.stdout ?? '')
      ).trim();
    expect(await canCreatePods('other/team-a')).toBe('yes');
    expect(await canCreatePods('team-a')).toBe('no');
    await otherTenants.delete(name);
  }, 60_000);

  it('refuses to delete a tenant while XaaS instances live in it, unless asked to delete them', async () => {
    await installCrds(
      testCluster(),
      ['cloudnative-pg/postgresql.cnpg.io_clusters.yaml'],
      [CNPG_CLUSTER],
    );
    const name = uniqueName('inst');
    const namespace = `t-${name}`;
    await tenants.create(request(name));
    await objects.create({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name: 'orders-db',
        namespace,
        labels: {
          'kaas.internal/tenant': name,
          'kaas.internal/capability': 'postgresql',
          'kaas.internal/managed-by': 'backstage-kaas',
        },
        annotations: { 'kaas.internal/owner': 'group:default/team-a' },
      },
      spec: { instances: 1, storage: { size: '1Gi' } },
    } as any);

    const refused = tenants.delete(name);
    await expect(refused).rejects.toThrow(ConflictError);
    await expect(refused).rejects.toThrow(
      `Tenant '${name}' still has 1 XaaS instance(s): Cluster '${namespace}/orders-db' (postgresql)`,
    );
    expect(await namespaceExists(namespace)).toBe(true);

    const dry = await tenants.delete(name, {
      deleteInstances: true,
      dryRun: true,
    });
    expect(dry.deleted.map(d => d.kind)).toEqual(['Cluster', 'Namespace']);
    expect(await namespaceExists(namespace)).toBe(true);

    await tenants.delete(name, {
      deleteInstances: true,
      waitUntilGone: true,
      timeoutMs: 90_000,
    });
    expect(await namespaceExists(namespace)).toBe(false);
  }, 150_000);

  it("ignores objects labelled as a tenant's instances outside its namespaces", async () => {
    await installCrds(
      testCluster(),
      ['cloudnative-pg/postgresql.cnpg.io_clusters.yaml'],
      [CNPG_CLUSTER],
    );
    const victim = uniqueName('victim');
    const other = uniqueName('other');
    await tenants.create(request(victim));
    await tenants.create(request(other));
    // Someone who may write in the other tenant's namespace labels a database as the
    // victim's instance: it must neither block the victim's deletion nor be deleted.
    await objects.create({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name: 'not-yours',
        namespace: `t-${other}`,
        labels: {
          'kaas.internal/tenant': victim,
          'kaas.internal/capability': 'postgresql',
          'kaas.internal/managed-by': 'backstage-kaas',
        },
      },
      spec: { instances: 1, storage: { size: '1Gi' } },
    } as any);

    const result = await tenants.delete(victim, {
      deleteInstances: true,
      waitUntilGone: true,
      timeoutMs: 90_000,
    });
    expect(result.deleted.map(d => d.kind)).toEqual(['Namespace']);
    expect(await namespaceExists(`t-${victim}`)).toBe(false);
    await expect(
      objects.read({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'not-yours', namespace: `t-${other}` },
      }),
    ).resolves.toBeDefined();
  }, 150_000);

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['upper case', { name: 'Team-A' }, /name: 'Team-A' must be lower case/],
    ['too long', { name: 'a'.repeat(62) }, /name: .* the limit is 61/],
    [
      'leading dash',
      { name: '-a' },
      /name: .*must start and end with a letter or digit/,
    ],
    [
      'trailing dash',
      { name: 'a-' },
      /name: .*must start and end with a letter or digit/,
    ],
    ['reserved', { name: 'default' }, /name: 'default' is reserved/],
    [
      'configured reserved',
      { name: 'platform' },
      /name: 'platform' is reserved/,
    ],
    ['kube-*', { name: 'kube-x' }, /name: 'kube-x' is reserved/],
    [
      "a name ending in the platform's -xaas suffix",
      { name: 'orders-xaas' },
      /name: 'orders-xaas' ends in '-xaas'/,
    ],
    [
      'unknown profile',
      { profile: 'huge' },
      /profile: 'huge' is not a tenant profile; choose one of: small, open, large, broken, managed/,
    ],
    [
      'unknown cluster',
      { cluster: 'prod' },
      /cluster: 'prod' is not a configured cluster; choose one of: local/,
    ],
    [
      'owner not a group',
      { owner: 'user:default/alice' },
      /owner: must be a group/,
    ],
    [
      'label injecting our marks',
      { labels: { 'kaas.internal/owner': 'x' } },
      /only the platform sets/,
    ],
    [
      'label injecting Pod Security',
      { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
      /kubernetes\.io/,
    ],
    [
      "an add-on's label outside the allowed prefixes",
      { labels: { 'istio.io/rev': 'canary' } },
      /labels\.istio\.io\/rev: key 'istio\.io\/rev' may not be set by a tenant; use a key starting with 'example\.com\/'/,
    ],
    [
      "an add-on's annotation outside the allowed prefixes",
      { annotations: { 'sidecar.istio.io/inject': 'true' } },
      /kaas\.tenants\.allowedAnnotationPrefixes/,
    ],
    [
      'label value with YAML',
      { labels: { 'example.com/team': 'a\nkind: Secret' } },
      /value of 'example\.com\/team'/,
    ],
    [
      'annotation with a newline',
      { annotations: { 'example.com/x': 'a\nb' } },
      /control characters/,
    ],
    [
      'cluster isolation without a cluster profile',
      { isolation: 'cluster' },
      /offers no isolation 'cluster'/,
    ],
  ])(
    'refuses %s with a clear message and creates nothing',
    async (_, change, message) => {
      const input = {
        name: uniqueName('bad'),
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
        ...change,
      };
      const mine = String(input.name).toLowerCase();
      const before = await managedNamespaces(mine);
      const attempt = tenants.create(input as any);
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(message);
      expect(await managedNamespaces(mine)).toEqual(before);
    },
  );

  async function markClusterProvisioned(
    resource: string,
    name: string,
    namespace: string,
    status: { phase: string; conditions: string[] },
  ) {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await kubectl(
      'patch',
      `${resource}/${name}`,
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          phase: status.phase,
          conditions: status.conditions.map(type => ({
            type,
            status: 'True',
            reason: 'Ready',
            message: '',
            lastTransitionTime: now,
          })),
        },
      }),
    );
  }
});
