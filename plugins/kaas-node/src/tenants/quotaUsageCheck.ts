import { CoreV1Api } from '@kubernetes/client-node';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import { parseQuantity } from '../inventory/quantity';
import type { KubernetesManifest } from './kubernetesManifest';

/**
 * What a new plan's ResourceQuotas would allow below what the tenant uses now, one line a
 * resource, e.g. `requests.cpu: the profile allows 1, the tenant uses 1500m now`. Read live
 * from each quota's status, as the quota controller counted it; an unknown quantity is not
 * judged. Empty when every new limit is at or above the usage.
 */
export async function quotaBelowUsage(
  cluster: KaasCluster,
  manifests: KubernetesManifest[],
): Promise<string[]> {
  const core = cluster.api(CoreV1Api);
  const problems: string[] = [];
  for (const manifest of manifests) {
    if (manifest.apiVersion !== 'v1' || manifest.kind !== 'ResourceQuota') {
      continue;
    }
    const { name, namespace } = manifest.metadata;
    let used: Record<string, string>;
    try {
      const live = await core.readNamespacedResourceQuota({
        name,
        namespace: namespace!,
      });
      used = live.status?.used ?? {};
    } catch (error) {
      if (statusCode(error) === 404) continue;
      throw error;
    }
    const hard = (manifest as { spec?: { hard?: Record<string, unknown> } })
      .spec?.hard;
    for (const [resource, limit] of Object.entries(hard ?? {})) {
      const allowed = parseQuantity(String(limit));
      const inUse = parseQuantity(used[resource]);
      if (allowed === undefined || inUse === undefined) continue;
      if (inUse > allowed) {
        problems.push(
          `${resource}: the profile allows ${limit}, the tenant uses ${used[resource]} now`,
        );
      }
    }
  }
  return problems;
}
