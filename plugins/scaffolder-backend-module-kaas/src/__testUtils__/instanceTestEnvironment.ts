import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  KUBECTL,
  REPO_ROOT,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { InstanceService } from '@internal/plugin-kaas-node';
import yaml from 'yaml';
import { tenantTestEnvironment } from './tenantTestEnvironment';

const execFileAsync = promisify(execFile);

/** CloudNativePG's `Cluster`, the object the shipped `postgresql` capability creates. */
export const CNPG_CLUSTER = {
  group: 'postgresql.cnpg.io',
  version: 'v1',
  plural: 'clusters',
} as const;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    KUBECTL,
    ['--kubeconfig', testCluster().adminKubeconfig, ...args],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/**
 * Installs upstream CRDs (unmodified, from ../shared/crds/<folder>) into the test
 * cluster and waits until every one of them serves lists. No operator runs: tests write
 * the status the operator would.
 */
async function installCrds(folder: string): Promise<void> {
  const dir = path.resolve(REPO_ROOT, '../shared/crds', folder);
  const resources = fs
    .readdirSync(dir)
    .filter(file => file.endsWith('.yaml'))
    .map(file => {
      const crd = yaml.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      return {
        name: crd.metadata.name as string,
        group: crd.spec.group as string,
        plural: crd.spec.names.plural as string,
        version: (
          crd.spec.versions as { name: string; storage: boolean }[]
        ).find(v => v.storage)!.name,
      };
    });
  await kubectl('apply', '--server-side', '--force-conflicts', '-f', dir);
  // A list answers once the CRD is established and its storage serves requests (429
  // "storage is (re)initializing" before). Polled rather than `kubectl wait`, which fails
  // on a CRD whose status has no conditions yet.
  const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
  await Promise.all(
    resources.map(({ name, group, version, plural }) =>
      waitFor(
        async () => {
          try {
            await custom.listClusterCustomObject({ group, version, plural });
            return true;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 60_000, describe: () => `${name} serves no lists yet` },
      ),
    ),
  );
}

/** CloudNativePG's CRDs, for the `postgresql` capability. */
export const installCloudNativePgCrds = () => installCrds('cloudnative-pg');

/** The Vitess operator's CRD, for the `vitess` capability. */
export const installVitessCrds = () => installCrds('vitess-operator');

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

  return {
    ...env,
    instances,
    custom,
    createTenant,
    cnpgClusters,
    reportHealthy,
  };
}
