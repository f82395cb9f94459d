import type http from 'node:http';
import fs from 'node:fs';
import {
  type ApiConstructor,
  type ApiType,
  KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import type { ClusterRole } from '@kaas-platform/plugin-kaas-common';
import type { ClusterConfig } from './clusterConfig';
import { ClusterObjectApi } from './ClusterObjectApi';
import { keepAliveConfiguration } from './keepAliveAgent';
import { getJson, openGet, type StreamingGetOptions } from './streamingGet';

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

/** How long a cluster's object client (and the discovery it has cached) is reused. */
const OBJECT_API_TTL_MS = 60_000;

/**
 * A configured cluster, and the one way to reach it: typed clients ({@link KaasCluster.api}),
 * the generic object client ({@link KaasCluster.objects}) and streaming GETs for lists and
 * watches ({@link KaasCluster.openGet}). All use the backend's credential for this cluster,
 * read again as it rotates, and give up on a request after `requestTimeout`.
 *
 * @public
 */
export class KaasCluster {
  private objectApi?: { api: ClusterObjectApi; expires: number };

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

  /**
   * A typed API client, e.g. `cluster.api(CoreV1Api)`. Its requests reuse TLS
   * connections to the cluster (one agent per cluster, renewed every minute).
   */
  api<T extends ApiType>(Api: ApiConstructor<T>): T {
    return new Api(keepAliveConfiguration(this, this.kubeConfig(), this.name));
  }

  /**
   * The client for any kind, custom resources included (server-side apply, reads by
   * apiVersion and kind). Shared for a minute so API discovery is not repeated on every
   * request; after that a new one picks up a rotated token and removed kinds (a kind
   * new to the cluster is looked up when first asked for).
   */
  objects(): ClusterObjectApi {
    const cached = this.objectApi;
    if (cached && cached.expires > Date.now()) return cached.api;
    const api = new ClusterObjectApi(
      keepAliveConfiguration(this, this.kubeConfig(), this.name),
    );
    this.objectApi = { api, expires: Date.now() + OBJECT_API_TTL_MS };
    return api;
  }

  /**
   * Starts a GET of `path` (a list or a watch) and resolves with the streaming response
   * once the API server answered 200; any other answer rejects with a `KubeApiError`.
   * For the inventory's lists and watches, which stream and may ask for metadata only.
   */
  openGet(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    options: StreamingGetOptions,
  ): Promise<http.IncomingMessage> {
    return openGet(this.kubeConfig(), path, query, options);
  }

  /** A GET of `path` answered with JSON, parsed. */
  getJson<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    options: StreamingGetOptions,
  ): Promise<T> {
    return getJson<T>(this.kubeConfig(), path, query, options);
  }
}
