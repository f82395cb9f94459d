import { ConfigReader } from '@backstage/config';
import {
  CoreV1Api,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  installCrds,
  repoKaasConfigData,
  testCluster,
  uniqueName,
  untitledClusterEntry,
  VCLUSTER_KINDS,
} from '@internal/kaas-test-cluster';
import { parse } from 'yaml';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { tenantTestConfig } from '../__testUtils__/tenantTestPolicy';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { readTenantPolicy } from './readTenantPolicy';
import { TenantService } from './TenantService';

const CRS = {
  apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
  kind: 'ClusterResourceSet',
};

/** What the platform team puts inside each virtual or dedicated cluster. */
function inClusterObjects(monitoringLabel: string): unknown[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'monitoring',
        labels: {
          monitoring: monitoringLabel,
          team: '${{ tenant.ownerName }}',
        },
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'tenant-owner-admin' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'admin',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: '${{ tenant.ownerName }}',
        },
      ],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-ingress', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ];
}

/** The tests' `kaas` config, with `inCluster` on the vcluster and ClusterClass profiles. */
function kaasWith(change: (kaas: any) => void = () => {}) {
  const kaas = JSON.parse(
    JSON.stringify(
      tenantTestConfig([untitledClusterEntry(testCluster())]).get('kaas'),
    ),
  );
  for (const profile of ['small', 'large', 'managed']) {
    kaas.tenantProfiles[profile].inCluster = inClusterObjects('enabled');
  }
  change(kaas);
  return kaas;
}

function tenantsWith(kaas: unknown): TenantService {
  const config = new ConfigReader({ kaas } as any);
  return TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
  });
}

describe('policy inside virtual and dedicated clusters through a Cluster API ClusterResourceSet, against the local control plane with the Cluster API CRDs', () => {
  const tenants = tenantsWith(kaasWith());
  const objects = KubernetesObjectApi.makeApiClient(adminKubeConfig());
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const created: string[] = [];

  beforeAll(async () => {
    await installCrds(
      testCluster(),
      ['cluster-api', 'cluster-api-provider-vcluster'],
      [...VCLUSTER_KINDS, CRS],
    );
  }, 120_000);

  afterAll(async () => {
    for (const name of created) {
      await tenants.delete(name).catch(() => undefined);
    }
  }, 120_000);

  const vclusterTenant = (service: TenantService, name: string) =>
    service.validate({
      name,
      owner: 'team-a',
      isolation: 'vcluster',
      profile: 'small',
    });

  const readConfigMap = (name: string) =>
    core.readNamespacedConfigMap({
      name: `${name}-in-cluster-policy`,
      namespace: `t-${name}`,
    });

  it('writes the rendered objects into a ConfigMap and a ClusterResourceSet whose selector matches the tenant’s Cluster; a re-apply changes nothing', async () => {
    const name = uniqueName('icp-vc');
    created.push(name);
    const first = await tenants.create(vclusterTenant(tenants, name));
    expect(first.objects.map(o => `${o.kind}/${o.name}`)).toEqual(
      expect.arrayContaining([
        `ConfigMap/${name}-in-cluster-policy`,
        `ClusterResourceSet/${name}-policy`,
      ]),
    );

    const configMap = await readConfigMap(name);
    expect(configMap.metadata?.labels).toMatchObject({
      'kaas.internal/tenant': name,
      'kaas.internal/managed-by': 'backstage-kaas',
    });
    expect(configMap.metadata?.annotations).toMatchObject({
      'kaas.internal/owner': 'group:default/team-a',
    });
    const data = configMap.data ?? {};
    expect(Object.keys(data)).toEqual([
      '00-namespace-monitoring.yaml',
      '01-clusterrolebinding-tenant-owner-admin.yaml',
      '02-networkpolicy-default-deny-ingress.yaml',
    ]);
    const binding = parse(
      data['01-clusterrolebinding-tenant-owner-admin.yaml'],
    );
    expect(binding).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {
        name: 'tenant-owner-admin',
        labels: {
          'kaas.internal/tenant': name,
          'kaas.internal/managed-by': 'backstage-kaas',
        },
        annotations: { 'kaas.internal/owner': 'group:default/team-a' },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'admin',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: 'team-a',
        },
      ],
    });
    expect(parse(data['02-networkpolicy-default-deny-ingress.yaml'])).toEqual(
      expect.objectContaining({
        metadata: expect.objectContaining({ namespace: 'default' }),
      }),
    );
    // Keys sorted at every level: the same policy is the same text.
    expect(data['00-namespace-monitoring.yaml'].split('\n')[0]).toBe(
      'apiVersion: v1',
    );

    const resourceSet = (await objects.read({
      ...CRS,
      metadata: { name: `${name}-policy`, namespace: `t-${name}` },
    })) as KubernetesObject & { spec: any };
    expect(resourceSet.metadata?.annotations).toMatchObject({
      'kaas.internal/owner': 'group:default/team-a',
    });
    expect(resourceSet.spec).toEqual({
      clusterSelector: {
        matchLabels: {
          'kaas.internal/tenant': name,
          'kaas.internal/managed-by': 'backstage-kaas',
        },
      },
      resources: [{ kind: 'ConfigMap', name: `${name}-in-cluster-policy` }],
      strategy: 'Reconcile',
    });

    // The selector, asked of the API server as Cluster API asks it, finds the tenant's Cluster.
    const selector = Object.entries(
      resourceSet.spec.clusterSelector.matchLabels,
    )
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const clusters = await objects.list(
      'cluster.x-k8s.io/v1beta2',
      'Cluster',
      `t-${name}`,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
    );
    expect(clusters.items.map(c => c.metadata?.name)).toEqual([name]);

    const again = await tenants.create(vclusterTenant(tenants, name));
    expect(again.objects.filter(o => o.action !== 'unchanged')).toEqual([]);
    const update = await tenants.update(vclusterTenant(tenants, name), {
      dryRun: true,
    });
    expect(update.changes).toEqual([]);
  }, 60_000);

  it('rolls a changed inCluster policy out: the dry run lists the ConfigMap’s change, the rollout applies it', async () => {
    const name = uniqueName('icp-roll');
    created.push(name);
    await tenants.create(vclusterTenant(tenants, name));
    const changed = tenantsWith(
      kaasWith(kaas => {
        kaas.tenantProfiles.small.inCluster = [
          ...inClusterObjects('platform'),
          {
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'tenant-quota', namespace: 'default' },
            spec: { hard: { pods: '50' } },
          },
        ];
      }),
    );
    const rollout = (dryRun: boolean) =>
      changed.rollOut(
        { names: [name] },
        {
          batchSize: 10,
          stopOnFirstFailure: true,
          dryRun,
          logger: capturingLogger([]),
        },
      );

    const dry = await rollout(true);
    const object = `ConfigMap 't-${name}/${name}-in-cluster-policy'`;
    expect(dry.behind).toEqual([
      {
        tenant: name,
        changes: [
          {
            object,
            path: 'data.00-namespace-monitoring.yaml',
            from: expect.stringContaining('monitoring: enabled'),
            to: expect.stringContaining('monitoring: platform'),
          },
          {
            object,
            path: 'data.03-resourcequota-tenant-quota.yaml',
            to: expect.stringContaining('pods:'),
          },
        ],
      },
    ]);
    expect(
      (await readConfigMap(name)).data?.['00-namespace-monitoring.yaml'],
    ).toContain('monitoring: enabled');

    const done = await rollout(false);
    expect(done.reconciled).toEqual([name]);
    const data = (await readConfigMap(name)).data ?? {};
    expect(parse(data['00-namespace-monitoring.yaml']).metadata.labels).toEqual(
      expect.objectContaining({ monitoring: 'platform', team: 'team-a' }),
    );
    expect(parse(data['03-resourcequota-tenant-quota.yaml']).spec).toEqual({
      hard: { pods: '50' },
    });
    expect((await rollout(true)).behind).toEqual([]);
  }, 60_000);

  it('gives a namespace tenant no ConfigMap and no ClusterResourceSet', async () => {
    const name = uniqueName('icp-ns');
    created.push(name);
    const result = await tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    expect(result.objects.map(o => o.kind)).not.toContain('ConfigMap');
    const sets = await objects.list(CRS.apiVersion, CRS.kind, `t-${name}`);
    expect(sets.items).toEqual([]);
    const maps = await core.listNamespacedConfigMap({ namespace: `t-${name}` });
    expect(
      maps.items.filter(m => m.metadata?.name?.endsWith('-in-cluster-policy')),
    ).toEqual([]);
  }, 60_000);

  it('renders it for a ClusterClass cluster tenant, not for a Crossplane-claim one (its composition delivers its own)', () => {
    const kinds = (profile: string) =>
      tenants
        .render(
          tenants.validate({
            name: 'icp-cluster',
            owner: 'team-a',
            isolation: 'cluster',
            profile,
          }),
        )
        .manifests.map(m => `${m.kind}/${m.metadata.name}`);
    expect(kinds('large')).toEqual(
      expect.arrayContaining([
        'Cluster/icp-cluster',
        'ConfigMap/icp-cluster-in-cluster-policy',
        'ClusterResourceSet/icp-cluster-policy',
      ]),
    );
    expect(kinds('managed')).not.toContain(
      'ClusterResourceSet/icp-cluster-policy',
    );
    expect(kinds('managed')).not.toContain(
      'ConfigMap/icp-cluster-in-cluster-policy',
    );
  });

  it('refuses, when rendering, an owner whose Kubernetes group cannot be part of a name', () => {
    const service = tenantsWith(
      kaasWith(kaas => {
        // The baseline's own ownerName label would refuse this owner first.
        kaas.baseline[0].metadata.labels = { monitoring: 'enabled' };
        kaas.tenantProfiles.small.inCluster = [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'team-${{ tenant.ownerName }}' },
          },
        ];
      }),
    );
    expect(() =>
      service.render(
        service.validate({
          name: 'icp-other',
          owner: 'group:other/team-a',
          isolation: 'vcluster',
          profile: 'small',
        }),
      ),
    ).toThrow(
      "kaas.tenantProfiles.small.inCluster[0].metadata.name renders 'team-other/team-a', which is not a DNS subdomain",
    );
  });
});

describe('reading a profile’s inCluster objects', () => {
  const read = (change: (kaas: any) => void) =>
    readTenantPolicy(new ConfigReader({ kaas: kaasWith(change) }));

  it('reads them in order', () => {
    const policy = read(() => {});
    expect(policy.profiles.small.inCluster?.map(o => o.kind)).toEqual([
      'Namespace',
      'ClusterRoleBinding',
      'NetworkPolicy',
    ]);
    expect(policy.profiles.open.inCluster).toBeUndefined();
  });

  it('reads the demo policy of app-config.yaml for every profile that serves virtual or dedicated clusters', () => {
    const { profiles } = readTenantPolicy(
      new ConfigReader(repoKaasConfigData(testCluster()) as any),
    );
    for (const profile of ['small', 'medium', 'large']) {
      expect(
        profiles[profile].inCluster?.map(
          o => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`,
        ),
      ).toEqual([
        'Namespace /monitoring',
        'ClusterRoleBinding /tenant-owner-admin',
        'NetworkPolicy default/default-deny-ingress',
      ]);
    }
  });

  const at = (i: number) => (kaas: any) =>
    kaas.tenantProfiles.small.inCluster[i];
  it.each<[string, (kaas: any) => void, string]>([
    [
      'not a list',
      k => (k.tenantProfiles.small.inCluster = { kind: 'Namespace' }),
      "'kaas.tenantProfiles.small.inCluster': must be a list of Kubernetes objects",
    ],
    [
      'no kind',
      k => delete at(1)(k).kind,
      "'kaas.tenantProfiles.small.inCluster[1].kind'",
    ],
    [
      'no name',
      k => delete at(1)(k).metadata.name,
      "'kaas.tenantProfiles.small.inCluster[1].metadata.name'",
    ],
    [
      'bad apiVersion',
      k => (at(2)(k).apiVersion = 'networking/v1/x'),
      "'kaas.tenantProfiles.small.inCluster[2].apiVersion': must be an apiVersion",
    ],
    [
      'unknown placeholder',
      k => (at(1)(k).subjects[0].name = '${{ tenant.group }}'),
      "'kaas.tenantProfiles.small.inCluster[1].subjects[0].name': unknown placeholder '${{ tenant.group }}'",
    ],
    [
      'a name that is no DNS name once rendered',
      k => (at(1)(k).metadata.name = '${{ tenant.owner }}-admin'),
      "'kaas.tenantProfiles.small.inCluster[1].metadata.name': renders 'group:default/example-admin', which is not a DNS subdomain (lower-case letters, digits, '-' and '.') for a tenant named 'example' of group:default/example; fix the template",
    ],
    [
      'a namespaced kind without namespace',
      k => delete at(2)(k).metadata.namespace,
      "'kaas.tenantProfiles.small.inCluster[2].metadata.namespace': name the namespace inside the tenant's cluster the NetworkPolicy goes to",
    ],
    [
      'a cluster-scoped kind with a namespace',
      k => (at(1)(k).metadata.namespace = 'default'),
      "'kaas.tenantProfiles.small.inCluster[1].metadata.namespace': ClusterRoleBinding is cluster-scoped; leave namespace out",
    ],
    [
      'a platform mark',
      k => (at(0)(k).metadata.labels['kaas.internal/tenant'] = 'x'),
      "'kaas.tenantProfiles.small.inCluster[0].metadata.labels.kaas.internal/tenant': is set by the platform itself",
    ],
    [
      'the same object twice',
      k => k.tenantProfiles.small.inCluster.push(at(2)(k)),
      "'kaas.tenantProfiles.small.inCluster[3].metadata.name': NetworkPolicy 'default-deny-ingress' is already defined by kaas.tenantProfiles.small.inCluster[2]",
    ],
  ])('refuses %s, naming the key', (_, change, message) => {
    expect(() => read(change)).toThrow(message);
  });
});
