import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  installCrds,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import { InstanceService } from '@kaas-platform/plugin-kaas-node';
import { createXaasInstanceCreateAction } from '../actions/instanceCreate';
import {
  type DemoUser,
  deleteNamespaces,
  runAction,
  tenantTestEnvironment,
} from './tenantTestEnvironment';

/** CloudNativePG's `Cluster`, the object the shipped `postgresql` capability creates. */
export const CNPG_CLUSTER = {
  group: 'postgresql.cnpg.io',
  version: 'v1',
  plural: 'clusters',
} as const;

/**
 * CloudNativePG's CRDs (unmodified, from ../shared/crds), for the `postgresql`
 * capability, once every one of them serves lists. No operator runs: tests write the
 * status the operator would.
 */
export const installCloudNativePgCrds = () =>
  installCrds(
    testCluster(),
    ['cloudnative-pg'],
    ['Backup', 'Cluster', 'Database', 'Pooler', 'ScheduledBackup'].map(
      kind => ({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind,
      }),
    ),
  );

/**
 * The tenant environment plus the real InstanceService over the same clusters, built
 * with the backend credential as a backend builds it.
 */
export function instanceTestEnvironment() {
  const env = tenantTestEnvironment();
  const instances = InstanceService.fromConfig(env.config, {
    clusters: env.clusters,
    tenants: env.tenants,
  });
  const kc = adminKubeConfig();
  const custom = kc.makeApiClient(CustomObjectsApi);

  /** Creates a namespace tenant as the backend would, without any user check. */
  async function createTenant(owner = 'group:default/team-a') {
    const name = uniqueName('xt');
    const request = env.tenants.validate({
      name,
      owner,
      isolation: 'namespace',
      profile: 'small',
    });
    const result = await env.tenants.create(request);
    return { name, namespace: result.namespace };
  }

  /** CloudNativePG Clusters in a namespace, by name, with their resourceVersion. */
  async function cnpgClusters(
    namespace: string,
  ): Promise<Record<string, string>> {
    const list = await custom.listNamespacedCustomObject({
      ...CNPG_CLUSTER,
      namespace,
    });
    return Object.fromEntries(
      (list.items as any[]).map(item => [
        item.metadata.name,
        item.metadata.resourceVersion,
      ]),
    );
  }

  /** Writes the status CloudNativePG writes once a cluster is healthy. */
  async function reportHealthy(namespace: string, name: string) {
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...CNPG_CLUSTER,
        namespace,
        name,
        body: [
          {
            op: 'add',
            path: '/status',
            value: {
              phase: 'Cluster in healthy state',
              instances: 1,
              readyInstances: 1,
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  reason: 'ClusterIsReady',
                  message: 'Cluster is Ready',
                  lastTransitionTime: new Date().toISOString(),
                },
              ],
            },
          },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  }

  /**
   * A namespace tenant of `owner`, created before the test file's first test and deleted
   * after its last one; its fields are filled in once `beforeAll` has run.
   */
  function tenantOfTestFile(owner = 'group:default/team-a') {
    const tenant = { name: '', namespace: '' };
    beforeAll(async () => {
      Object.assign(tenant, await createTenant(owner));
    });
    afterAll(() =>
      deleteNamespaces(env.core, tenant.namespace ? [tenant.namespace] : []),
    );
    return tenant;
  }

  const environment = {
    ...env,
    instances,
    custom,
    createTenant,
    tenantOfTestFile,
    cnpgClusters,
    reportHealthy,
  };
  const createAction = createXaasInstanceCreateAction(environment);

  /** Creates a small PostgreSQL instance in `tenant` through the create action, as `as`. */
  async function createPostgres(tenant: string, as: DemoUser) {
    const name = uniqueName('pg');
    await runAction(
      createAction,
      { tenant, capability: 'postgresql', name, plan: 'small' },
      { as },
    );
    return name;
  }

  return { ...environment, createPostgres };
}
