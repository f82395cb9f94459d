import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import type {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import {
  KUBECTL,
  REPO_ROOT,
  testCluster,
  waitFor,
} from '@internal/kaas-test-cluster';
import { parse } from 'yaml';

const execFileAsync = promisify(execFile);

/** A cluster to point the configuration at. */
export interface ClusterAccess {
  url: string;
  caFile: string;
  backendTokenFile: string;
  adminKubeconfig: string;
}

export function sharedCluster(): ClusterAccess {
  const { url, caFile, backendTokenFile, adminKubeconfig } = testCluster();
  return { url, caFile, backendTokenFile, adminKubeconfig };
}

export async function kubectl(cluster: ClusterAccess, ...args: string[]) {
  const { stdout } = await execFileAsync(
    KUBECTL,
    ['--kubeconfig', cluster.adminKubeconfig, ...args],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Writes `status` through the status subresource, as the operator would. */
export async function writeStatus(
  cluster: ClusterAccess,
  resource: string,
  namespace: string,
  name: string,
  status: unknown,
) {
  await kubectl(
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

/** The operator CRDs the tests use: CloudNativePG, Cluster API, the vCluster provider. */
export const TEST_KINDS = [
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
  { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' },
  { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1', kind: 'VCluster' },
];

/** Installs the upstream CRDs (../shared/crds) and waits until each serves lists. */
export async function installTestCrds(cluster: ClusterAccess) {
  await kubectl(
    cluster,
    'apply',
    '--server-side',
    '--force-conflicts',
    ...[
      'cloudnative-pg',
      'cluster-api',
      'cluster-api-provider-vcluster',
    ].flatMap(dir => ['-f', path.resolve(REPO_ROOT, '../shared/crds', dir)]),
  );
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.adminKubeconfig);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  await waitFor(
    async () => {
      try {
        for (const { apiVersion, kind } of TEST_KINDS) {
          await objects.list(apiVersion, kind, 'default');
        }
        return true;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, describe: () => 'the operator CRDs to serve lists' },
  );
}

/** The repository's real `kaas` configuration (app-config.yaml) on `cluster`. */
export function kaasConfigData(cluster: ClusterAccess) {
  const { kaas } = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  return {
    kaas: {
      ...kaas,
      clusters: [
        {
          name: 'local',
          url: cluster.url,
          caFile: cluster.caFile,
          roles: ['tenants', 'management', 'xaas'],
          auth: { type: 'tokenFile', tokenFile: cluster.backendTokenFile },
        },
      ],
    },
  };
}

export function kaasConfig(cluster: ClusterAccess) {
  return new ConfigReader(kaasConfigData(cluster));
}

/**
 * The provider's side of the catalog: records every mutation and keeps the entities the
 * catalog would hold after them.
 */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  readonly entities = new Map<string, Entity>();

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations.push(mutation);
    const ref = (d: DeferredEntity) => stringifyEntityRef(d.entity);
    if (mutation.type === 'full') {
      this.entities.clear();
      for (const d of mutation.entities) this.entities.set(ref(d), d.entity);
    } else {
      for (const removed of mutation.removed) {
        this.entities.delete(
          'entityRef' in removed ? removed.entityRef : ref(removed),
        );
      }
      for (const d of mutation.added) this.entities.set(ref(d), d.entity);
    }
  }

  async refresh(): Promise<void> {}

  entity(ref: string): Entity | undefined {
    return this.entities.get(ref);
  }

  count(type: 'full' | 'delta'): number {
    return this.mutations.filter(m => m.type === type).length;
  }
}
