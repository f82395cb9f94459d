import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { CoreV1Api } from '@kubernetes/client-node';
import type { KaasMarkKeys } from '@kaas-platform/plugin-kaas-common';
import { describeDeletedObject } from '../apply/describeOutcome';
import { foreignOwnership } from '../apply/ownershipGuard';
import { waitUntilAbsent } from '../apply/waitUntilAbsent';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import { capabilityInstanceKinds } from '../tenants/tenantInstances';
import type { TenantSummary } from '../tenants/tenantSummary';
import type { FoundInstance } from './findInstances';
import { instanceSelector } from './findInstances';
import type {
  InstanceDeleteOptions,
  InstanceDeleteResult,
} from './instanceResults';
import type { InstancePlacement } from './renderInstance';

/**
 * Deletes every object of the instance, found by its marks (last kind of the capability
 * first), after checking each is this tenant's and owner's. The `-xaas` namespace of a
 * vcluster/cluster tenant goes with its last instance; a home namespace stays.
 */
export async function deleteInstance(
  context: {
    cluster: KaasCluster;
    marks: KaasMarkKeys;
    tenant: TenantSummary;
    placement: InstancePlacement;
    /** Whether any instance of the tenant is left in `namespace`. */
    anyInstanceLeft(namespace: string): Promise<boolean>;
    logger?: LoggerService;
  },
  found: FoundInstance,
  options: InstanceDeleteOptions,
): Promise<InstanceDeleteResult> {
  const { cluster, marks, tenant, logger } = context;
  const { summary, loaded } = found;
  const api = cluster.objects();
  const selector = instanceSelector(marks, {
    tenant: tenant.name,
    instance: summary.name,
    capability: summary.capability,
  });
  const kinds = capabilityInstanceKinds([loaded.capability]).reverse();
  const objects: KubernetesManifest[] = [];
  for (const { apiVersion, kind } of kinds) {
    if (!(await api.discover(apiVersion, kind))) continue;
    const list = await api.list(
      apiVersion,
      kind,
      summary.namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
    );
    objects.push(
      ...list.items.map(
        item => ({ ...item, apiVersion, kind } as KubernetesManifest),
      ),
    );
  }
  const ownership = {
    marks,
    tenant: tenant.name,
    owner: summary.owner,
    capability: summary.capability,
    instance: summary.name,
  };
  for (const object of objects) {
    const problem = foreignOwnership(object, ownership);
    if (problem) throw new ConflictError(problem);
  }
  const deleted: InstanceDeleteResult['deleted'] = [];
  for (const object of objects) {
    await api.delete(object, undefined, options.dryRun ? 'All' : undefined);
    const entry = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace: summary.namespace,
    };
    deleted.push(entry);
    logger?.info(describeDeletedObject(entry, !!options.dryRun));
  }
  if (!options.dryRun) await removeEmptyXaasNamespace(context);
  if (options.waitUntilGone && !options.dryRun) {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (const object of objects) {
      await waitUntilAbsent(
        api,
        {
          ...object,
          metadata: { ...object.metadata, namespace: summary.namespace },
        },
        deadline,
      );
    }
  }
  return {
    tenant: tenant.name,
    name: summary.name,
    capability: summary.capability,
    cluster: cluster.name,
    namespace: summary.namespace,
    dryRun: !!options.dryRun,
    deleted,
  };
}

/**
 * The per-tenant `-xaas` namespace exists for instances only: once the last one is
 * deleted, it goes too (if it is still ours).
 */
async function removeEmptyXaasNamespace(
  context: Parameters<typeof deleteInstance>[0],
): Promise<void> {
  const { cluster, marks, tenant, placement, logger } = context;
  if (!placement.dedicatedNamespace) return;
  if (await context.anyInstanceLeft(placement.namespace)) return;
  const core = cluster.api(CoreV1Api);
  let namespace;
  try {
    namespace = await core.readNamespace({ name: placement.namespace });
  } catch (error) {
    if (statusCode(error) === 404) return;
    throw error;
  }
  if (
    foreignOwnership(
      { ...namespace, kind: 'Namespace' },
      { marks, tenant: tenant.name, owner: tenant.owner },
    )
  ) {
    return;
  }
  await core.deleteNamespace({ name: placement.namespace });
  logger?.info(
    `${describeDeletedObject(
      { kind: 'Namespace', name: placement.namespace },
      false,
    )}: tenant '${tenant.name}' has no instance left`,
  );
}
