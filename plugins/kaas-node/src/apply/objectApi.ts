import {
  KubernetesObjectApi,
  type KubeConfig,
  type V1APIResource,
} from '@kubernetes/client-node';
import type { KaasCluster } from '../clusters/ClusterRegistry';

/** How long a cluster's object client (and the discovery it has cached) is reused. */
const CLIENT_TTL_MS = 60_000;

/** The generic object client, plus the discovery lookup its base class keeps protected. */
export class DiscoveringObjectApi extends KubernetesObjectApi {
  static forKubeConfig(kubeConfig: KubeConfig): DiscoveringObjectApi {
    return kubeConfig.makeApiClient(DiscoveringObjectApi);
  }

  private static readonly byCluster = new WeakMap<
    KaasCluster,
    { api: DiscoveringObjectApi; expires: number }
  >();

  /**
   * A client for `cluster`, shared for a minute so API discovery is not repeated on every
   * request; after that a new one picks up new CRDs and a rotated token.
   */
  static forCluster(cluster: KaasCluster): DiscoveringObjectApi {
    const cached = DiscoveringObjectApi.byCluster.get(cluster);
    if (cached && cached.expires > Date.now()) return cached.api;
    const api = DiscoveringObjectApi.forKubeConfig(cluster.kubeConfig());
    DiscoveringObjectApi.byCluster.set(cluster, {
      api,
      expires: Date.now() + CLIENT_TTL_MS,
    });
    return api;
  }

  /** The API resource serving `kind` in `apiVersion`, or undefined when the cluster has none. */
  async discover(
    apiVersion: string,
    kind: string,
  ): Promise<V1APIResource | undefined> {
    try {
      return await this.resource(apiVersion, kind);
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }
}

/** HTTP status of a client-node ApiException (or of an error wrapping one). */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
