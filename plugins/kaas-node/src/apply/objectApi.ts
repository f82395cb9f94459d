import {
  KubernetesObjectApi,
  loadYaml,
  type Configuration,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type PatchStrategy,
  type V1APIResource,
} from '@kubernetes/client-node';
import type { KaasCluster } from '../clusters/ClusterRegistry';

/** What identifies an object to read (client-node's own type of it is not exported). */
type ObjectHeader<T extends KubernetesObject> = Pick<
  T,
  'apiVersion' | 'kind'
> & {
  metadata: { name: string; namespace?: string };
};

/** How long a cluster's object client (and the discovery it has cached) is reused. */
const CLIENT_TTL_MS = 60_000;
/** How long requests answered 429 are retried before the error is passed on. */
const BUSY_RETRY_MS = 30_000;

/**
 * Runs `request` again while the API server answers 429 (it does so for a few seconds
 * after a CRD is installed or upgraded: "storage is (re)initializing", and under priority
 * and fairness throttling), waiting as its Retry-After says, like client-go does. Only
 * used for requests that are safe to repeat.
 */
async function retryWhileBusy<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (statusCode(error) !== 429 || Date.now() > deadline) throw error;
      const headers = (error as { headers?: Record<string, string> }).headers;
      const seconds = Number(headers?.['retry-after'] ?? 1);
      await new Promise(resolve =>
        setTimeout(resolve, Math.min(Math.max(seconds, 0.2), 5) * 1000),
      );
    }
  }
}

/**
 * `manifest` (the API's JSON, as rendered from configuration) in client-node's model
 * shape. The object client serializes through the model of known kinds, which names
 * some fields differently (`_default` of a LimitRange item, `_from` of a NetworkPolicy
 * rule): handed plain JSON, it would silently drop them. Custom resources pass as they are.
 */
function asModel<T extends KubernetesObject>(manifest: T): T {
  return loadYaml<T>(JSON.stringify(manifest));
}

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

  // Reads, lists, server-side applies and dry-run creates are safe to repeat.
  override read<T extends KubernetesObject>(
    spec: ObjectHeader<T>,
    pretty?: string,
    exact?: boolean,
    exportt?: boolean,
    options?: Configuration,
  ): Promise<T> {
    return retryWhileBusy(() =>
      super.read(spec, pretty, exact, exportt, options),
    );
  }

  override list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace?: string,
    pretty?: string,
    exact?: boolean,
    exportt?: boolean,
    fieldSelector?: string,
    labelSelector?: string,
    limit?: number,
    continueToken?: string,
    options?: Configuration,
  ): Promise<KubernetesListObject<T>> {
    return retryWhileBusy(() =>
      super.list<T>(
        apiVersion,
        kind,
        namespace,
        pretty,
        exact,
        exportt,
        fieldSelector,
        labelSelector,
        limit,
        continueToken,
        options,
      ),
    );
  }

  override patch<T extends KubernetesObject>(
    spec: T,
    pretty?: string,
    dryRun?: string,
    fieldManager?: string,
    force?: boolean,
    patchStrategy?: PatchStrategy,
    options?: Configuration,
  ): Promise<T> {
    const model = asModel(spec);
    return retryWhileBusy(() =>
      super.patch(
        model,
        pretty,
        dryRun,
        fieldManager,
        force,
        patchStrategy,
        options,
      ),
    );
  }

  override create<T extends KubernetesObject>(
    spec: T,
    pretty?: string,
    dryRun?: string,
    fieldManager?: string,
    options?: Configuration,
  ): Promise<T> {
    return super.create(asModel(spec), pretty, dryRun, fieldManager, options);
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
