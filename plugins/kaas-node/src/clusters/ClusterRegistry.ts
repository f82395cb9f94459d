import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { ClusterRole } from '@kaas-platform/plugin-kaas-common';
import type { ClusterConfig } from './clusterConfig';
import { KaasCluster } from './KaasCluster';
import { readClusterConfigs } from './readClusterConfigs';

/** The clusters of `kaas.clusters`, validated once at startup. @public */
export class ClusterRegistry {
  static fromConfig(config: Config): ClusterRegistry {
    return new ClusterRegistry(readClusterConfigs(config));
  }

  private readonly clusters: Map<string, KaasCluster>;

  constructor(configs: ClusterConfig[]) {
    this.clusters = new Map(configs.map(c => [c.name, new KaasCluster(c)]));
  }

  list(): KaasCluster[] {
    return [...this.clusters.values()];
  }

  withRole(role: ClusterRole): KaasCluster[] {
    return this.list().filter(c => c.hasRole(role));
  }

  /** The named cluster; an unknown name is the caller's input error. */
  get(name: string): KaasCluster {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new InputError(
        `Unknown cluster '${name}'; choose one of: ${[
          ...this.clusters.keys(),
        ].join(', ')}`,
      );
    }
    return cluster;
  }
}
