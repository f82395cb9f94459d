import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader, type Config } from '@backstage/config';
import type {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  repoKaasConfigData,
  testCluster,
  type AdminClusterAccess,
  type LocalCluster,
} from '@internal/kaas-test-cluster';
import {
  ClusterRegistry,
  DefaultKaasInventory,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  KaasEntityProvider,
  type KaasEntityProviderOptions,
} from '../providers/KaasEntityProvider';

export {
  adminKubectl as kubectl,
  writeStatus,
} from '@internal/kaas-test-cluster';

/** A cluster to point the configuration at. */
export type ClusterAccess = AdminClusterAccess;

export const sharedCluster = (): ClusterAccess => testCluster();

/** How to reach a control plane a test started itself. */
export const accessOf = (running: LocalCluster): ClusterAccess => ({
  url: running.url,
  caFile: running.caFile,
  backendTokenFile: running.backendTokenFile,
  adminKubeconfig: running.adminKubeconfig,
});

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

  /** The refresh keys of each `refresh` call. */
  readonly refreshes: string[][] = [];

  async refresh(options: { keys: string[] }): Promise<void> {
    this.refreshes.push(options.keys);
  }

  entity(ref: string): Entity | undefined {
    return this.entities.get(ref);
  }

  count(type: 'full' | 'delta'): number {
    return this.mutations.filter(m => m.type === type).length;
  }
}

/** The app's base URL the provider links entities to. */
export const APP = 'http://localhost:3000';

/**
 * The entity provider over a real inventory of `config`'s clusters, as the module builds
 * them, and a connection that records what it sends the catalog.
 */
export function providerOver(
  config: Config,
  options: Partial<KaasEntityProviderOptions> = {},
) {
  const clusters = ClusterRegistry.fromConfig(config);
  const logger = mockServices.logger.mock();
  const inventory = DefaultKaasInventory.fromConfig(config, {
    clusters,
    logger,
  });
  const provider = new KaasEntityProvider({
    inventory,
    markPrefix: 'kaas.internal',
    appBaseUrl: APP,
    logger,
    ...options,
  });
  return {
    clusters,
    inventory,
    provider,
    connection: new RecordingConnection(),
  };
}

/** The kaas-node tenant service over `config`, to arrange tenants as a template would. */
export function tenantsOver(config: Config) {
  return TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
  });
}

/** A namespace tenant of team-a of profile `small`; `extra` changes any field. */
export function teamATenant(
  tenants: TenantService,
  name: string,
  extra: Record<string, unknown> = {},
) {
  return tenants.validate({
    name,
    owner: 'team-a',
    isolation: 'namespace',
    profile: 'small',
    ...extra,
  });
}
