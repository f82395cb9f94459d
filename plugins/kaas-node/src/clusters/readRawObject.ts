import { getWithRetries } from './clusterHttpLibrary';
import type { KaasCluster } from './KaasCluster';
import { statusCode } from './statusCode';

const READ_TIMEOUT_MS = 20_000;

/**
 * An object as the API server stores it (its own JSON: client-node's models rename some
 * fields, such as a LimitRange's `default`), or undefined when it, or its kind, does not
 * exist on the cluster.
 */
export async function readRawObject(
  cluster: KaasCluster,
  object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  },
): Promise<Record<string, any> | undefined> {
  const resource = await cluster
    .objects()
    .discover(object.apiVersion, object.kind);
  if (!resource) return undefined;
  const base =
    object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  const { name, namespace } = object.metadata;
  const path = `${base}${
    resource.namespaced && namespace ? `/namespaces/${namespace}` : ''
  }/${resource.name}/${name}`;
  try {
    return await getWithRetries(cluster.name, path, () =>
      cluster.getJson<Record<string, any>>(
        path,
        {},
        { timeoutMs: READ_TIMEOUT_MS },
      ),
    );
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}
