import fs from 'node:fs';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  type ApiConstructor,
  type ApiType,
  KubeConfig,
  KubernetesObjectApi,
  type RequestContext,
} from '@kubernetes/client-node';
import type { ClusterRole } from '@internal/plugin-kaas-common';
import type { ClusterConfig } from './clusterConfig';
import { readClusterConfigs } from './readClusterConfigs';

/**
 * A KubeConfig whose API clients give up on a request after `timeoutMs`, answer
 * included. client-node sets no limit, so a cluster that accepts connections but never
 * answers (or drops packets silently) would hold every lookup that asks it. Watches and
 * the inventory's requests set their own limits and are not affected.
 */
class TimeLimitedKubeConfig extends KubeConfig {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (!context.getSignal()) {
      context.setSignal(AbortSignal.timeout(this.timeoutMs));
    }
  }
}

/** A configured cluster and typed clients for it. @public */
export class KaasCluster {
  constructor(private readonly config: ClusterConfig) {}

  get name(): string {
    return this.config.name;
  }

  get title(): string {
    return this.config.title;
  }

  get roles(): readonly ClusterRole[] {
    return this.config.roles;
  }

  /** The API server URL, as configured or as the kubeconfig / pod environment says. */
  get url(): string {
    return this.config.url ?? this.kubeConfig().getCurrentCluster()!.server;
  }

  /** The API server URL users reach, for kubeconfigs: `publicUrl`, else {@link KaasCluster.url}. */
  get publicUrl(): string {
    return this.config.publicUrl ?? this.url;
  }

  hasRole(role: ClusterRole): boolean {
    return this.config.roles.includes(role);
  }

  /**
   * A fresh KubeConfig for this cluster. Token files are read again on each call so a
   * rotated token is picked up by the next client.
   */
  kubeConfig(): KubeConfig {
    const { auth, name } = this.config;
    const kubeConfig = new TimeLimitedKubeConfig(this.config.requestTimeoutMs);
    if (auth.type === 'kubeconfig') {
      kubeConfig.loadFromFile(auth.kubeconfigPath);
      if (auth.context) kubeConfig.setCurrentContext(auth.context);
      return kubeConfig;
    }
    if (auth.type === 'inCluster') {
      kubeConfig.loadFromCluster();
      return kubeConfig;
    }
    const token =
      auth.type === 'token'
        ? auth.token
        : fs.readFileSync(auth.tokenFile, 'utf8').trim();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name,
          server: this.config.url,
          caData: this.config.caData
            ? Buffer.from(this.config.caData).toString('base64')
            : undefined,
          caFile: this.config.caFile,
          skipTLSVerify: false,
        },
      ],
      users: [{ name: `${name}-backend`, token }],
      contexts: [{ name, cluster: name, user: `${name}-backend` }],
      currentContext: name,
    });
    return kubeConfig;
  }

  /** A typed API client, e.g. `cluster.client(CoreV1Api)`. */
  client<T extends ApiType>(api: ApiConstructor<T>): T {
    return this.kubeConfig().makeApiClient(api);
  }

  /** A client for any kind, including custom resources (used for server-side apply). */
  objects(): KubernetesObjectApi {
    return KubernetesObjectApi.makeApiClient(this.kubeConfig());
  }
}

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
