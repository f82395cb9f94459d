import { ConfigReader } from '@backstage/config';
import type {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  installCrds,
  repoKaasConfigData,
  testCluster,
  type AdminClusterAccess,
} from '@internal/kaas-test-cluster';

export {
  adminKubectl as kubectl,
  writeStatus,
} from '@internal/kaas-test-cluster';

/** A cluster to point the configuration at. */
export type ClusterAccess = AdminClusterAccess;

export const sharedCluster = (): ClusterAccess => testCluster();

/** The operator CRDs the tests use: CloudNativePG, Cluster API, the vCluster provider. */
export const TEST_KINDS = [
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
  { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' },
  { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1', kind: 'VCluster' },
];

/** Installs the upstream CRDs (../shared/crds) and waits until each serves lists. */
export async function installTestCrds(cluster: ClusterAccess) {
  await installCrds(
    cluster,
    ['cloudnative-pg', 'cluster-api', 'cluster-api-provider-vcluster'],
    TEST_KINDS,
  );
}

/** The repository's real `kaas` configuration (app-config.yaml) on `cluster`. */
export function kaasConfigData(cluster: ClusterAccess) {
  return repoKaasConfigData(cluster);
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
