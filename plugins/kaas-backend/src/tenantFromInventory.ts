import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type {
  KaasInventory,
  TenantSummary,
} from '@kaas-platform/plugin-kaas-node';

/**
 * The tenant as the inventory has it, once it has listed: NotFoundError when no cluster
 * has it, ServiceUnavailableError (503) when a cluster that cannot be read now may have it.
 */
export async function tenantFromInventory(
  inventory: KaasInventory,
  tenant: string,
): Promise<TenantSummary> {
  await inventory.ready();
  const found = inventory.tenant(tenant);
  if (found) return found;
  const unread = inventory.clustersOutOfSync();
  if (unread.length) {
    throw new ServiceUnavailableError(
      `Tenant '${tenant}' is not on any cluster that can be read now; cluster(s) ${unread
        .map(c => `'${c}'`)
        .join(', ')} cannot be read, and it may be there. Try again later.`,
    );
  }
  throw new NotFoundError(`Tenant '${tenant}' does not exist`);
}
