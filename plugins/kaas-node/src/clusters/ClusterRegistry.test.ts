import { ConfigReader } from '@backstage/config';
import {
  CoreV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  testCluster,
  uniqueName,
  untitledClusterEntry,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from './ClusterRegistry';

describe('ClusterRegistry against the local control plane with the backend credential', () => {
  const cluster = testCluster();
  const registry = ClusterRegistry.fromConfig(
    new ConfigReader({
      kaas: {
        clusters: [
          untitledClusterEntry(cluster),
          {
            name: 'local-admin',
            roles: ['xaas'],
            auth: {
              type: 'kubeconfig',
              kubeconfigPath: cluster.adminKubeconfig,
            },
          },
        ],
      },
    }),
  );

  it('lists clusters by role and refuses an unknown one with the known names', () => {
    expect(registry.withRole('management').map(c => c.name)).toEqual(['local']);
    expect(registry.withRole('xaas').map(c => c.name)).toEqual([
      'local',
      'local-admin',
    ]);
    expect(() => registry.get('elsewhere')).toThrow(
      "Unknown cluster 'elsewhere'; choose one of: local, local-admin",
    );
    expect(registry.get('local-admin').url).toBe(cluster.url);
  });

  it('creates and deletes a platform-marked namespace with the backend credential', async () => {
    const core = registry.get('local').api(CoreV1Api);
    const name = uniqueName('reg');
    const created = await core.createNamespace({
      body: {
        metadata: {
          name,
          labels: { 'kaas.internal/managed-by': 'backstage-kaas' },
        },
      },
    });
    expect(created.metadata?.name).toBe(name);
    await core.deleteNamespace({ name });
  });

  it('is confined to platform-marked namespaces by the admission policy', async () => {
    const core = registry.get('local').api(CoreV1Api);
    const rbac = registry.get('local').api(RbacAuthorizationV1Api);

    const unmarked = core.createNamespace({
      body: { metadata: { name: uniqueName('unmarked') } },
    });
    await expect(unmarked).rejects.toMatchObject({ code: 403 });
    await expect(unmarked).rejects.toThrow(
      /may only write in namespaces labelled kaas.internal\/managed-by=backstage-kaas/,
    );

    // RBAC alone would let it bind `admin` anywhere, kube-system included.
    const intoKubeSystem = rbac.createNamespacedRoleBinding({
      namespace: 'kube-system',
      body: {
        metadata: { name: uniqueName('sneaky') },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'admin',
        },
        subjects: [{ kind: 'Group', name: 'team-b' }],
      },
    });
    await expect(intoKubeSystem).rejects.toMatchObject({ code: 403 });

    // Nor adopt a namespace by adding the mark to it.
    const foreign = uniqueName('foreign');
    const admin = adminKubeConfig().makeApiClient(CoreV1Api);
    await admin.createNamespace({ body: { metadata: { name: foreign } } });
    const adopt = core.patchNamespace(
      {
        name: foreign,
        body: {
          metadata: {
            labels: { 'kaas.internal/managed-by': 'backstage-kaas' },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await expect(adopt).rejects.toMatchObject({ code: 403 });
    await admin.deleteNamespace({ name: foreign });
  });

  it('is refused what only cluster-admin may do', async () => {
    const rbac = registry.get('local').api(RbacAuthorizationV1Api);
    const name = uniqueName('escalate');
    const attempt = rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'backstage-kaas',
            namespace: 'kaas-system',
          },
        ],
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 403 });

    const core = registry.get('local').api(CoreV1Api);
    const nodeList = core.deleteCollectionNode({});
    await expect(nodeList).rejects.toMatchObject({ code: 403 });

    // The same request succeeds as admin, so the refusal above is RBAC, not a bad request.
    const admin = adminKubeConfig().makeApiClient(RbacAuthorizationV1Api);
    await admin.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        },
        subjects: [{ kind: 'User', name: 'nobody' }],
      },
    });
    await admin.deleteClusterRoleBinding({ name });
  });
});
