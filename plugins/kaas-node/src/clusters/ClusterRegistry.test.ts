import { ConfigReader } from '@backstage/config';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from './ClusterRegistry';

describe('ClusterRegistry against the local control plane with the backend credential', () => {
  const cluster = testCluster();
  const registry = ClusterRegistry.fromConfig(
    new ConfigReader({
      kaas: {
        clusters: [
          {
            name: 'local',
            url: cluster.url,
            caFile: cluster.caFile,
            roles: ['tenants', 'management', 'xaas'],
            auth: { type: 'tokenFile', tokenFile: cluster.backendTokenFile },
          },
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

  it('creates and deletes a namespace with the backend credential', async () => {
    const core = registry.get('local').client(CoreV1Api);
    const name = uniqueName('reg');
    const created = await core.createNamespace({
      body: { metadata: { name } },
    });
    expect(created.metadata?.name).toBe(name);
    await core.deleteNamespace({ name });
  });

  it('is refused what only cluster-admin may do', async () => {
    const rbac = registry.get('local').client(RbacAuthorizationV1Api);
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

    const core = registry.get('local').client(CoreV1Api);
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
