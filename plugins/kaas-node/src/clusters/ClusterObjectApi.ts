import {
  KubernetesObjectApi,
  loadYaml,
  type Configuration,
  type KubernetesListObject,
  type KubernetesObject,
  type PatchStrategy,
  type V1APIResource,
} from '@kubernetes/client-node';
import { statusCode } from './statusCode';

/**
 * What identifies an object to read (client-node's own type of it is not exported).
 *
 * @public
 */
export type ObjectHeader<T extends KubernetesObject> = Pick<
  T,
  'apiVersion' | 'kind'
> & {
  metadata: { name: string; namespace?: string };
};

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

/**
 * The generic object client of one cluster (any kind, custom resources included), plus
 * the discovery lookup its base class keeps protected. Reads, lists, server-side applies
 * and dry-run creates wait out the API server's 429 answers. Get it from
 * `KaasCluster.objects()`, which shares one per cluster so discovery is cached.
 *
 * @public
 */
export class ClusterObjectApi extends KubernetesObjectApi {
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
