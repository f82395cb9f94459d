import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import { foreignOwnership } from '../apply/ownershipGuard';
import {
  askEveryCluster,
  clustersUnavailable,
} from '../clusters/askEveryCluster';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import type { TenantPlan } from './renderTenant';
import { tenantSummaryOf, type TenantSummary } from './tenantSummary';

/**
 * Refuses the plan's name when any cluster holds a namespace marked for a tenant of
 * that name and another owner, or the owner's tenant of that name on another cluster;
 * fails closed, naming the cluster, when one cannot be asked. Returns this owner's
 * existing tenant on the plan's cluster, if any.
 *
 * `fromCache` reads the API servers' watch caches (`resourceVersion=0`), which may lag
 * the latest write by moments, instead of a consistent read, which may wait up to the
 * cache's 100 ms progress period. `otherClustersOnly` skips the plan's cluster.
 */
export async function assertTenantNameIsFree(
  clusters: ClusterRegistry,
  marks: KaasMarkKeys,
  plan: TenantPlan,
  read: { fromCache?: boolean; otherClustersOnly?: boolean } = {},
): Promise<TenantSummary | undefined> {
  const { answered, failed } = await askEveryCluster(
    clusters
      .list()
      .filter(c => !read.otherClustersOnly || c.name !== plan.cluster),
    async cluster =>
      (
        await cluster.api(CoreV1Api).listNamespace({
          labelSelector: `${marks.managedBy}=${MANAGED_BY_VALUE},${marks.tenant}=${plan.tenant}`,
          ...(read.fromCache ? { resourceVersion: '0' } : {}),
        })
      ).items.filter(ns => !ns.metadata?.deletionTimestamp),
  );
  let existing: TenantSummary | undefined;
  for (const { cluster, value: namespaces } of answered) {
    for (const ns of namespaces) {
      const name = ns.metadata?.name ?? '';
      const problem = foreignOwnership(
        { ...ns, apiVersion: 'v1', kind: 'Namespace' },
        { marks: marks, tenant: plan.tenant, owner: plan.owner },
      );
      if (problem) {
        throw new ConflictError(
          cluster.name === plan.cluster
            ? problem
            : `Tenant name '${plan.tenant}' is taken on cluster '${cluster.name}': ${problem}`,
        );
      }
      if (name !== plan.namespace) continue;
      if (cluster.name !== plan.cluster) {
        throw new ConflictError(
          `Tenant '${plan.tenant}' already exists on cluster '${cluster.name}'; choose another tenant name.`,
        );
      }
      existing = tenantSummaryOf(ns, cluster.name, marks);
    }
  }
  if (failed.length) {
    throw clustersUnavailable(
      failed,
      `for a tenant named '${plan.tenant}' elsewhere`,
    );
  }
  return existing;
}

/** Refuses a plan whose isolation differs from the existing tenant's. */
export function assertSameIsolation(
  existing: TenantSummary | undefined,
  plan: TenantPlan,
): void {
  if (existing?.isolation && existing.isolation !== plan.isolation) {
    throw new ConflictError(
      `Tenant '${plan.tenant}' already exists with isolation '${existing.isolation}'; the isolation of a tenant cannot change, choose another tenant name.`,
    );
  }
}

/**
 * Creates the new tenant's home namespace, marked for its owner, with a plain create,
 * and returns it when this call made it. A namespace that exists already (another
 * creator was first) is taken over only when it is this owner's; then undefined.
 */
export async function claimTenantHome(
  cluster: KaasCluster,
  marks: KaasMarkKeys,
  fieldManager: string,
  plan: TenantPlan,
): Promise<V1Namespace | undefined> {
  const home = plan.manifests[0];
  // Only marks every apply writes too: what a plain create sets stays co-owned by it,
  // so a later apply could not remove it. The request (spec) is among them so that
  // nobody reading the namespace meanwhile sees a tenant without its profile.
  const spec = home.metadata.annotations?.[marks.spec];
  const body: V1Namespace = {
    metadata: {
      name: plan.namespace,
      labels: {
        [marks.managedBy]: MANAGED_BY_VALUE,
        [marks.tenant]: plan.tenant,
        [marks.isolation]: plan.isolation,
      },
      annotations: {
        [marks.owner]: plan.owner,
        ...(spec ? { [marks.spec]: spec } : {}),
      },
    },
  };
  const core = cluster.api(CoreV1Api);
  let current: V1Namespace | undefined;
  // A namespace that exists when created but is gone when read was being deleted (a
  // failed create released it): create it again, once.
  for (let attempt = 0; !current; attempt++) {
    try {
      return await core.createNamespace({
        body,
        fieldManager: fieldManager,
      });
    } catch (error) {
      if (statusCode(error) !== 409) throw error;
    }
    try {
      current = await core.readNamespace({ name: home.metadata.name });
    } catch (error) {
      if (statusCode(error) !== 404 || attempt > 0) throw error;
    }
  }
  const problem = foreignOwnership(
    { ...current, apiVersion: 'v1', kind: 'Namespace' },
    { marks: marks, tenant: plan.tenant, owner: plan.owner },
  );
  if (problem) throw new ConflictError(problem);
  return undefined;
}

/**
 * Deletes a home namespace this call claimed, when what should follow failed; only that
 * very namespace (by uid), never one made under its name by someone else meanwhile.
 */
export async function releaseTenantHome(
  cluster: KaasCluster,
  plan: TenantPlan,
  claimed: V1Namespace,
  logger?: LoggerService,
): Promise<void> {
  try {
    await cluster.api(CoreV1Api).deleteNamespace({
      name: plan.namespace,
      body: { preconditions: { uid: claimed.metadata?.uid } },
    });
  } catch (error) {
    if (statusCode(error) === 404) return;
    logger?.warn(
      `could not remove namespace '${plan.namespace}' on cluster '${cluster.name}' after a failed create of tenant '${plan.tenant}': ${error}`,
    );
  }
}
