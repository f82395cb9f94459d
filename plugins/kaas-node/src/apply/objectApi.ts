import {
  KubernetesObjectApi,
  type KubeConfig,
  type V1APIResource,
} from '@kubernetes/client-node';

/** The generic object client, plus the discovery lookup its base class keeps protected. */
export class DiscoveringObjectApi extends KubernetesObjectApi {
  static forKubeConfig(kubeConfig: KubeConfig): DiscoveringObjectApi {
    return kubeConfig.makeApiClient(DiscoveringObjectApi);
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
