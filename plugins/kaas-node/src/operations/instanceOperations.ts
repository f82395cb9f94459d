import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import type { InstanceService } from '../instances/InstanceService';
import type { InstanceApplyResult } from '../instances/instanceResults';
import type { InstanceSummary } from '../instances/instanceSummary';
import type {
  InstanceUpdateRequest,
  InstanceUpdateResult,
} from '../instances/updateInstance';
import type { OwnerAuthorizer } from '../owners/OwnerAuthorizer';
import type { TenantService } from '../tenants/TenantService';

/** What a caller's instance operations need. @public */
export interface InstanceOperationServices {
  tenants: TenantService;
  instances: InstanceService;
  owners: Pick<OwnerAuthorizer, 'assertMayActFor'>;
}

/**
 * Creates (or re-applies) an XaaS instance for a caller, as the scaffolder action and the
 * `kaas:create-instance` action do: the request validated, the tenant found, and only
 * those who may act for the owner recorded on the cluster go on (an instance belongs to
 * its tenant's owner, whatever the request says). Each applied object goes to `logger`.
 *
 * @public
 */
export async function createInstanceAs(
  services: InstanceOperationServices,
  credentials: BackstageCredentials,
  input: unknown,
  options: { dryRun: boolean; logger: LoggerService },
): Promise<InstanceApplyResult> {
  const { tenants, instances, owners } = services;
  const request = instances.validate(input);
  const tenant = await tenants.get(request.tenant);
  if (!tenant) {
    throw new InputError(
      `tenant: there is no tenant named '${request.tenant}'; choose one of your team's tenants, or create it first (kaas:tenant:create in a template, kaas:create-tenant as an action).`,
    );
  }
  await owners.assertMayActFor(credentials, tenant.owner);
  options.logger.info(
    `${options.dryRun ? 'Dry run: checking' : 'Creating'} ${
      request.capability
    } instance '${request.tenant}/${request.name}' (plan '${
      request.plan
    }') for ${tenant.owner}`,
  );
  return instances.create(request, options);
}

/**
 * Changes an existing XaaS instance for a caller (plan, parameters; see
 * `InstanceService.update`): NotFound when it does not exist, and only those who may act
 * for the owner recorded on the cluster go on.
 *
 * @public
 */
export async function updateInstanceAs(
  services: Pick<InstanceOperationServices, 'instances' | 'owners'>,
  credentials: BackstageCredentials,
  request: InstanceUpdateRequest,
  options: { dryRun: boolean; logger: LoggerService },
): Promise<InstanceUpdateResult> {
  const { instances, owners } = services;
  const instance = `${request.tenant}/${request.name}`;
  const summary = await instances.get(request.tenant, request.name);
  if (!summary) {
    throw new NotFoundError(
      `Instance '${instance}' does not exist; create it first (xaas:instance:create in a template, kaas:create-instance as an action)`,
    );
  }
  await owners.assertMayActFor(credentials, summary.owner);
  options.logger.info(
    `${options.dryRun ? 'Dry run: checking' : 'Changing'} ${
      summary.capability
    } instance '${instance}' of ${summary.owner} (plan '${summary.plan}'${
      request.plan && request.plan !== summary.plan
        ? ` -> '${request.plan}'`
        : ''
    })`,
  );
  return instances.update(request, options);
}

/**
 * Deletes an XaaS instance and its data for a caller. `confirm` must be
 * `<tenant>/<name>`, typed out, as for deleting a repository; the owner is checked
 * against the owner recorded on the cluster. Resolves to the instance deleted (or that
 * would be, in a dry run), or undefined when it is already gone.
 *
 * @public
 */
export async function deleteInstanceAs(
  services: Pick<InstanceOperationServices, 'instances' | 'owners'>,
  credentials: BackstageCredentials,
  target: { tenant: string; name: string; confirm: string },
  options: {
    waitUntilGone: boolean;
    timeoutMs: number;
    dryRun: boolean;
    logger: LoggerService;
  },
): Promise<InstanceSummary | undefined> {
  const { instances, owners } = services;
  const { tenant, name, confirm } = target;
  const instance = `${tenant}/${name}`;
  if (confirm !== instance) {
    throw new InputError(
      `confirm: type ${instance} to confirm; this destroys the instance's data`,
    );
  }
  const summary = await instances.get(tenant, name);
  if (!summary) {
    options.logger.info(
      `Instance '${instance}' does not exist; nothing to delete`,
    );
    return undefined;
  }
  await owners.assertMayActFor(credentials, summary.owner);
  options.logger.info(
    `${options.dryRun ? 'Dry run: checking deletion of' : 'Deleting'} ${
      summary.capability
    } instance '${instance}' of ${summary.owner} in namespace '${
      summary.namespace
    }' on cluster '${summary.cluster}'`,
  );
  try {
    await instances.delete(tenant, name, options);
  } catch (error) {
    // Deleted by someone else since it was looked up: what was asked for is done.
    if (!isError(error) || error.name !== 'NotFoundError') throw error;
    options.logger.info(`Instance '${instance}' is already gone`);
    return undefined;
  }
  return summary;
}
