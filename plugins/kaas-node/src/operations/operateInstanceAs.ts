import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type {
  InstanceOperationInfo,
  OperationRunBy,
} from '@kaas-platform/plugin-kaas-common';
import type { InstanceService } from '../instances/InstanceService';
import type {
  InstanceOperationRequest,
  InstanceOperationResult,
} from '../instances/operateInstance';
import type { OwnerAuthorizer } from '../owners/OwnerAuthorizer';

/** What running an instance operation for a caller needs. @public */
export interface InstanceOperateServices {
  instances: InstanceService;
  owners: Pick<OwnerAuthorizer, 'assertMayActFor' | 'assertPlatformAdmin'>;
}

async function assertMayRun(
  owners: InstanceOperateServices['owners'],
  credentials: BackstageCredentials,
  owner: string,
  runBy: OperationRunBy,
  what: string,
): Promise<void> {
  if (runBy === 'admins') {
    await owners.assertPlatformAdmin(credentials, what);
  } else {
    await owners.assertMayActFor(credentials, owner);
  }
}

/**
 * Runs a capability's day-2 operation on an instance for a caller, as the scaffolder
 * action and `kaas:operate-instance` do: NotFound when the instance does not exist, the
 * operation's `runBy` checked against the owner recorded on the cluster (`owners`: those
 * who may act for it; `admins`: platform admins only), then `InstanceService.operate`.
 *
 * @public
 */
export async function operateInstanceAs(
  services: InstanceOperateServices,
  credentials: BackstageCredentials,
  request: InstanceOperationRequest,
  options: {
    dryRun: boolean;
    wait: boolean;
    timeoutMs: number;
    logger: LoggerService;
  },
): Promise<InstanceOperationResult> {
  const { instances, owners } = services;
  const instance = `${request.tenant}/${request.name}`;
  const summary = await instances.get(request.tenant, request.name);
  if (!summary) {
    throw new NotFoundError(
      `Instance '${instance}' does not exist; create it first (xaas:instance:create in a template, kaas:create-instance as an action)`,
    );
  }
  const operations = capabilityOperations(instances, summary.capability);
  // An unknown operation is refused by the service, naming the available ones.
  const runBy = operations[request.operation]?.runBy ?? 'owners';
  await assertMayRun(
    owners,
    credentials,
    summary.owner,
    runBy,
    `run operation '${request.operation}' on instance '${instance}'`,
  );
  options.logger.info(
    `${options.dryRun ? 'Dry run: checking' : 'Running'} operation '${
      request.operation
    }' on ${summary.capability} instance '${instance}' of ${summary.owner}`,
  );
  return instances.operate(request, options);
}

function capabilityOperations(instances: InstanceService, capability: string) {
  return (
    instances.capabilities().find(c => c.id === capability)?.operations ?? {}
  );
}

/**
 * The operations an instance's capability declares, each with whether the caller may
 * run it (the rule {@link operateInstanceAs} applies). NotFound when the instance does
 * not exist.
 *
 * @public
 */
export async function instanceOperationsFor(
  services: InstanceOperateServices,
  credentials: BackstageCredentials,
  tenant: string,
  name: string,
): Promise<InstanceOperationInfo[]> {
  const { instances, owners } = services;
  const summary = await instances.get(tenant, name);
  if (!summary) {
    throw new NotFoundError(
      `Instance '${name}' of tenant '${tenant}' does not exist`,
    );
  }
  const operations = capabilityOperations(instances, summary.capability);
  return Promise.all(
    Object.entries(operations).map(async ([operation, declared]) => {
      let mayRun = true;
      try {
        await assertMayRun(
          owners,
          credentials,
          summary.owner,
          declared.runBy,
          operation,
        );
      } catch (error) {
        if (!(error instanceof NotAllowedError)) throw error;
        mayRun = false;
      }
      return {
        name: operation,
        title: declared.title,
        ...(declared.description ? { description: declared.description } : {}),
        parameters: declared.parameters,
        runBy: declared.runBy,
        mayRun,
      };
    }),
  );
}
