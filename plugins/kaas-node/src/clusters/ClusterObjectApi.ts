import {
  KubernetesObjectApi,
  loadYaml,
  type Configuration,
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
 * the discovery lookup its base class keeps protected. Its requests go through
 * `clusterHttpLibrary` (429 waited out, reads and applies sent again). Get it from
 * `KaasCluster.objects()`, which shares one per cluster so discovery is cached.
 *
 * @public
 */
export class ClusterObjectApi extends KubernetesObjectApi {
  /** Discovery lookups under way, by `apiVersion/kind`. */
  private readonly lookups = new Map<
    string,
    Promise<V1APIResource | undefined>
  >();

  /**
   * The base class caches what discovery found, but objects of one kind written side by
   * side (a tenant's NetworkPolicies) would each ask the API server before the first
   * answer is cached: one lookup a kind at a time, the others wait for it.
   */
  protected override resource(
    apiVersion: string,
    kind: string,
    options?: Configuration,
  ): Promise<V1APIResource | undefined> {
    const key = `${apiVersion}/${kind}`;
    const pending = this.lookups.get(key);
    if (pending) return pending;
    const lookup = super
      .resource(apiVersion, kind, options)
      .finally(() => this.lookups.delete(key));
    this.lookups.set(key, lookup);
    return lookup;
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
    return super.patch(
      asModel(spec),
      pretty,
      dryRun,
      fieldManager,
      force,
      patchStrategy,
      options,
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
