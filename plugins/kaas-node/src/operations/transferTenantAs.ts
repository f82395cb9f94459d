import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { parseGroupRef } from '@kaas-platform/plugin-kaas-common';
import type { KubeconfigIssuer } from '../kubeconfig/KubeconfigIssuer';
import type { TenantTransferResult } from '../tenants/transferTenant';
import type { TenantOperationServices } from './tenantOperations';

/**
 * Moves a tenant to another group for a caller (see `TenantService.transfer`): platform
 * admins may, and those who may act for both the owner recorded on the cluster and the
 * new owner; anyone else is refused before anything is written. Each moved object goes
 * to `logger`; the caller audits the transfer.
 *
 * @public
 */
export async function transferTenantAs(
  services: TenantOperationServices & {
    kubeconfigs: Pick<KubeconfigIssuer, 'revoke' | 'list'>;
  },
  credentials: BackstageCredentials,
  target: { name: string; newOwner: string },
  options: { dryRun: boolean; logger: LoggerService },
): Promise<TenantTransferResult> {
  const { tenants, owners, kubeconfigs } = services;
  const { name } = target;
  const tenant = await tenants.get(name);
  if (!tenant) throw new NotFoundError(`Tenant '${name}' does not exist`);
  const parsed = parseGroupRef(target.newOwner);
  if (parsed.problem !== undefined) {
    throw new InputError(`newOwner ${parsed.problem}`);
  }
  const newOwner = parsed.group.ref;
  const refusals: string[] = [];
  for (const owner of new Set([tenant.owner, newOwner])) {
    try {
      await owners.assertMayActFor(credentials, owner);
    } catch (error) {
      if (!(error instanceof NotAllowedError)) throw error;
      refusals.push(error.message);
    }
  }
  if (refusals.length) {
    throw new NotAllowedError(
      `Tenant '${name}' of ${
        tenant.owner
      } may be moved to ${newOwner} only by a platform admin or by someone who may act for both groups: ${refusals.join(
        '; ',
      )}`,
    );
  }
  options.logger.info(
    `${
      options.dryRun ? 'Dry run: checking transfer of' : 'Transferring'
    } tenant '${name}' (${tenant.isolation}, cluster '${
      tenant.cluster
    }') from ${tenant.owner} to ${newOwner}`,
  );
  return tenants.transfer(name, newOwner, { ...options, kubeconfigs });
}
