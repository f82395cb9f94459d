import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KaasMarkKeys } from '@kaas-platform/plugin-kaas-common';
import { foreignOwnership } from '../apply/ownershipGuard';
import type { KaasCluster } from '../clusters/KaasCluster';
import { readRawObject } from '../clusters/readRawObject';
import { statusCode } from '../clusters/statusCode';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';
import type { TenantPlan } from './renderTenant';

function idsOf(
  home: { metadata?: { annotations?: Record<string, string> } } | undefined,
  marks: KaasMarkKeys,
): string[] {
  try {
    const ids = JSON.parse(
      home?.metadata?.annotations?.[marks.policyObjects] ?? '[]',
    );
    return Array.isArray(ids) ? ids.filter(id => typeof id === 'string') : [];
  } catch {
    return []; // a hand-edited mark: nothing is known to have been applied
  }
}

/** `apiVersion/kind/name` back to its parts; the apiVersion may hold a slash itself. */
function parseId(
  id: string,
  namespace: string,
): KubernetesManifest | undefined {
  const parts = id.split('/');
  if (parts.length < 3) return undefined;
  const name = parts.pop()!;
  const kind = parts.pop()!;
  return { apiVersion: parts.join('/'), kind, metadata: { name, namespace } };
}

/**
 * The policy objects the platform applied into the tenant's home namespace last time
 * (its policy-objects mark) that today's plan no longer holds, as far as they are still
 * there and still the tenant's by every mark; others are never touched. Cluster API
 * objects are never in the mark, so a tenant's cluster is never pruned.
 */
export async function policyObjectsToPrune(
  cluster: KaasCluster,
  plan: TenantPlan,
  marks: KaasMarkKeys,
  logger?: LoggerService,
): Promise<KubernetesManifest[]> {
  const [home] = plan.manifests;
  const live = await readRawObject(cluster, home);
  if (!live) return [];
  const wanted = new Set(idsOf(home, marks));
  const gone: KubernetesManifest[] = [];
  for (const id of idsOf(live, marks)) {
    if (wanted.has(id)) continue;
    const object = parseId(id, plan.namespace);
    if (!object) continue;
    const existing = await readRawObject(cluster, object);
    if (!existing) continue;
    const problem = foreignOwnership(
      existing as KubernetesObject,
      { marks, tenant: plan.tenant, owner: plan.owner },
      'delete',
    );
    if (problem) {
      logger?.warn(
        `Not deleting ${describeObject(
          object,
        )}, which the policy no longer renders: ${problem}`,
      );
      continue;
    }
    gone.push(object);
  }
  return gone;
}

/** Deletes what `policyObjectsToPrune` found, saying each in the log. */
export async function prunePolicyObjects(
  cluster: KaasCluster,
  objects: KubernetesManifest[],
  logger?: LoggerService,
): Promise<void> {
  const api = cluster.objects();
  for (const object of objects) {
    try {
      await api.delete(object);
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
    logger?.info(
      `Deleted ${describeObject(object)}: today's policy no longer renders it`,
    );
  }
}
