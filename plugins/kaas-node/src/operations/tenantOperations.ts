import { NotFoundError } from '@backstage/errors';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { OwnerAuthorizer } from '../owners/OwnerAuthorizer';
import type { TenantService } from '../tenants/TenantService';
import type {
  TenantApplyResult,
  TenantUpdateResult,
} from '../tenants/tenantResults';
import type {
  RolloutOptions,
  RolloutResult,
  RolloutSelector,
} from '../tenants/policyRollout';
import type { TenantSummary } from '../tenants/tenantSummary';

/** What a caller's tenant operations need. @public */
export interface TenantOperationServices {
  tenants: TenantService;
  owners: Pick<OwnerAuthorizer, 'assertMayActFor' | 'assertPlatformAdmin'>;
}

/**
 * Creates (or re-applies) a tenant for a caller, as the scaffolder action and the
 * `kaas:create-tenant` action do: the request validated, then only members of the owner
 * group (or platform admins) may go on, before anything is written. Each applied object
 * goes to `logger`.
 *
 * @public
 */
export async function createTenantAs(
  services: TenantOperationServices,
  credentials: BackstageCredentials,
  input: unknown,
  options: { dryRun: boolean; logger: LoggerService },
): Promise<TenantApplyResult> {
  const { tenants, owners } = services;
  const request = tenants.validate(input);
  await owners.assertMayActFor(credentials, request.owner);
  options.logger.info(
    `${options.dryRun ? 'Dry run: checking' : 'Creating'} tenant '${
      request.name
    }' (${request.isolation}, profile '${request.profile}') for ${
      request.owner
    }`,
  );
  return tenants.create(request, options);
}

/**
 * Changes an existing tenant for a caller (profile, description, labels; see
 * `TenantService.update`): only those who may act for the owner recorded on the cluster
 * may, and the request must name that owner.
 *
 * @public
 */
export async function updateTenantAs(
  services: TenantOperationServices,
  credentials: BackstageCredentials,
  input: unknown,
  options: { dryRun: boolean; logger: LoggerService },
): Promise<TenantUpdateResult> {
  const { tenants, owners } = services;
  const request = tenants.validate(input);
  const existing = await tenants.get(request.name);
  // Against the owner recorded on the cluster, not the one the request names.
  if (existing) await owners.assertMayActFor(credentials, existing.owner);
  options.logger.info(
    `${options.dryRun ? 'Dry run: checking' : 'Updating'} tenant '${
      request.name
    }' (profile '${request.profile}')`,
  );
  return tenants.update(request, options);
}

/**
 * Deletes a tenant for a caller, checked against the owner recorded on the cluster (what
 * the tenant belongs to now, whatever created it). Resolves to the tenant that was
 * deleted (or would be, in a dry run), or undefined when it does not exist: deleting what
 * is gone succeeds.
 *
 * @public
 */
export async function deleteTenantAs(
  services: TenantOperationServices,
  credentials: BackstageCredentials,
  name: string,
  options: {
    deleteInstances: boolean;
    waitUntilGone: boolean;
    timeoutMs: number;
    dryRun: boolean;
    logger: LoggerService;
  },
): Promise<TenantSummary | undefined> {
  const { tenants, owners } = services;
  const summary = await tenants.get(name);
  if (!summary) {
    options.logger.info(`Tenant '${name}' does not exist; nothing to delete`);
    return undefined;
  }
  await owners.assertMayActFor(credentials, summary.owner);
  options.logger.info(
    `${
      options.dryRun ? 'Dry run: checking deletion of' : 'Deleting'
    } tenant '${name}' of ${summary.owner}: ${
      summary.isolation
    } tenant with home namespace '${summary.namespace}' on cluster '${
      summary.cluster
    }'${options.deleteInstances ? ', including its XaaS instances' : ''}`,
  );
  await tenants.delete(summary, options);
  return summary;
}

/**
 * Rolls today's policy out to the tenants `selector` chooses, in waves, for a platform
 * admin (only they may change every team's tenants at once).
 *
 * @public
 */
export async function rollOutPolicyAs(
  services: TenantOperationServices,
  credentials: BackstageCredentials,
  selector: RolloutSelector,
  options: RolloutOptions,
): Promise<RolloutResult> {
  await services.owners.assertPlatformAdmin(
    credentials,
    'roll the policy out to tenants',
  );
  return services.tenants.rollOut(selector, options);
}

/**
 * Repairs a tenant for a caller: re-applies what today's policy renders for its recorded
 * request (see `TenantService.update`), so objects changed, deleted or loosened by hand
 * are put back; objects the tenant made itself are left alone. Members of the owner group
 * recorded on the cluster and platform admins may.
 *
 * @public
 */
export async function repairTenantAs(
  services: TenantOperationServices,
  credentials: BackstageCredentials,
  name: string,
  options: { dryRun: boolean; logger: LoggerService },
): Promise<TenantUpdateResult> {
  const { tenants, owners } = services;
  const summary = await tenants.get(name);
  if (!summary) {
    throw new NotFoundError(`Tenant '${name}' does not exist`);
  }
  await owners.assertMayActFor(credentials, summary.owner);
  options.logger.info(
    `${
      options.dryRun ? 'Dry run: checking repair of' : 'Repairing'
    } tenant '${name}' of ${summary.owner}: re-applying today's policy`,
  );
  return tenants.update(
    {
      name: summary.name,
      owner: summary.owner,
      isolation: summary.isolation,
      profile: summary.profile,
    },
    options,
  );
}
