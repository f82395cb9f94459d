import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { localClusterEntry, type ClusterAccess } from './platformBackend';
import { KUBECTL, REPO_ROOT } from './repoPaths';
import { waitFor } from './waitFor';

const execFileAsync = promisify(execFile);

/** The operators' upstream CRDs, beside the repository. */
export const SHARED_CRDS = path.resolve(REPO_ROOT, '../shared/crds');

/** A cluster with its cluster-admin kubeconfig, for arranging test state. */
export interface AdminClusterAccess extends ClusterAccess {
  adminKubeconfig: string;
}

/** The repo's kubectl as cluster-admin of `cluster`; resolves with its stdout. */
export async function adminKubectl(
  cluster: AdminClusterAccess,
  ...args: string[]
): Promise<string> {
  const { stdout } = await execFileAsync(
    KUBECTL,
    ['--kubeconfig', cluster.adminKubeconfig, ...args],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Deletes the namespaces without waiting, ignoring those already gone or failing (cleanup). */
export async function deleteNamespacesNoWait(
  cluster: AdminClusterAccess,
  namespaces: string[],
): Promise<void> {
  for (const namespace of namespaces) {
    await adminKubectl(
      cluster,
      'delete',
      'namespace',
      namespace,
      '--wait=false',
      '--ignore-not-found',
    ).catch(() => undefined);
  }
}

/** Every namespaced resource the API server lists, but events (for `kubectl get a,b,c`). */
export async function listableNamespacedResources(
  cluster: AdminClusterAccess,
): Promise<string[]> {
  return (
    await adminKubectl(
      cluster,
      'api-resources',
      '--verbs=list',
      '--namespaced',
      '-o',
      'name',
    )
  )
    .split('\n')
    .filter(kind => kind && !kind.startsWith('events'));
}

/** Writes `status` through the status subresource, as an operator (or kubelet) would. */
export async function writeStatus(
  cluster: AdminClusterAccess,
  resource: string,
  namespace: string,
  name: string,
  status: unknown,
): Promise<void> {
  await adminKubectl(
    cluster,
    'patch',
    resource,
    name,
    '-n',
    namespace,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  );
}

/**
 * Installs the upstream CRDs of ../shared/crds/<folder> and waits until each kind
 * serves lists (a new CRD answers 429 for a moment).
 */
export async function installCrds(
  cluster: AdminClusterAccess,
  folders: string[],
  kinds: Array<{ apiVersion: string; kind: string }>,
): Promise<void> {
  await adminKubectl(
    cluster,
    'apply',
    '--server-side',
    '--force-conflicts',
    ...folders.flatMap(f => ['-f', path.resolve(SHARED_CRDS, f)]),
  );
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.adminKubeconfig);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  await waitFor(
    async () => {
      try {
        for (const { apiVersion, kind } of kinds) {
          await objects.list(apiVersion, kind, 'default');
        }
        return true;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, describe: () => 'the CRDs to serve lists' },
  );
}

/** The kinds of a `vcluster` tenant: Cluster API's Cluster and the vCluster provider's. */
export const VCLUSTER_KINDS = [
  { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' },
  { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1', kind: 'VCluster' },
];

/** Installs the CRDs of Cluster API and its vCluster provider, for `vcluster` tenants. */
export function installVclusterCrds(
  cluster: AdminClusterAccess,
): Promise<void> {
  return installCrds(
    cluster,
    ['cluster-api', 'cluster-api-provider-vcluster'],
    VCLUSTER_KINDS,
  );
}

/**
 * Every operator CRD the tests use: CloudNativePG, Cluster API (with
 * ClusterResourceSet), its vCluster provider and Vitess. Installed once by the global
 * setup, before any test runs, so that the API's discovery has settled: a new CRD
 * answers 429 for a moment, and kube-controller-manager's resourcequota controller
 * pauses every quota's recount while it follows a discovery change (up to 30 s each),
 * which made tests that wait for `status.used` miss their deadline.
 */
export function installTestOperatorCrds(
  cluster: AdminClusterAccess,
): Promise<void> {
  return installCrds(
    cluster,
    [
      'cloudnative-pg',
      'cluster-api',
      'cluster-api-provider-vcluster',
      'vitess-operator',
    ],
    [
      ...['Backup', 'Cluster', 'Database', 'Pooler', 'ScheduledBackup'].map(
        kind => ({ apiVersion: 'postgresql.cnpg.io/v1', kind }),
      ),
      ...VCLUSTER_KINDS,
      {
        apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
        kind: 'ClusterResourceSet',
      },
      { apiVersion: 'planetscale.com/v2', kind: 'VitessCluster' },
    ],
  );
}

/** The repository's real `kaas` configuration (app-config.yaml), on `cluster`. */
export function repoKaasConfigData(cluster: ClusterAccess) {
  const { kaas } = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  return { kaas: { ...kaas, clusters: [localClusterEntry(cluster)] } };
}
