import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  CapabilityOperation,
  KaasMarkKeys,
  OperationHistoryEntry,
} from '@kaas-platform/plugin-kaas-common';
import { applyManifests, type AppliedObject } from '../apply/applyManifests';
import { describeAppliedObject } from '../apply/describeOutcome';
import { pollUntilReady } from '../apply/pollUntilReady';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import type { TenantSettings } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import { instanceSelector, type FoundInstance } from './findInstances';
import { readInstanceReadiness, valueAt } from './instanceReadiness';
import { recordedInstanceValues } from './instanceValues';
import { operatorSignsOf, operatorSilence } from './operatorActivity';
import { newRunName, renderOperation, runNameProblem } from './renderOperation';

/** One run of a capability operation on an instance. @public */
export interface InstanceOperationRequest {
  tenant: string;
  /** The instance. */
  name: string;
  /** A key of the capability's `operations`. */
  operation: string;
  /** The operation's parameters, checked against its schema. */
  parameters?: Record<string, unknown>;
  /** Names the run (`${{ run.name }}`); the same name re-applies the same run. Generated when left out. */
  runName?: string;
}

/** Options of running an operation. @public */
export interface InstanceOperationOptions {
  dryRun?: boolean;
  /** Wait until the run's readiness rule holds, at most `timeoutMs`. */
  wait?: boolean;
  timeoutMs?: number;
  logger?: LoggerService;
}

/** What one run of an operation applied, and whether it is done. @public */
export interface InstanceOperationResult {
  tenant: string;
  name: string;
  capability: string;
  operation: string;
  run: string;
  cluster: string;
  namespace: string;
  objects: AppliedObject[];
  /** Whether the run is done, by the operation's readiness rule; undefined when not waited for. */
  ready?: boolean;
  message?: string;
}

/** Where an instance is and what the platform needs to act on it. */
export interface OperationContext {
  cluster: KaasCluster;
  found: FoundInstance;
  tenant: TenantSummary;
  marks: KaasMarkKeys;
  fieldManager: string;
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>;
  logger?: LoggerService;
}

/** The operation `name` of the instance's capability; InputError naming the others when absent. */
export function operationOf(
  found: FoundInstance,
  name: string,
): CapabilityOperation {
  const operations = found.loaded.capability.operations ?? {};
  const operation = Object.hasOwn(operations, name)
    ? operations[name]
    : undefined;
  if (!operation) {
    const available = Object.keys(operations);
    throw new InputError(
      `operation: ${
        found.summary.capability
      } instances have no operation '${name}'; ${
        available.length
          ? `choose one of: ${available.join(', ')}`
          : 'their capability declares none'
      }`,
    );
  }
  return operation;
}

/**
 * Runs an operation: its parameters checked against its schema (nothing is written when
 * they are wrong), its objects rendered and applied with server-side apply behind the
 * ownership guard, and, when asked, waited for.
 */
export async function operateInstance(
  context: OperationContext,
  request: InstanceOperationRequest,
  options: InstanceOperationOptions,
): Promise<InstanceOperationResult> {
  const { cluster, found, tenant, marks } = context;
  const operation = operationOf(found, request.operation);
  const { parameters, problems } = found.loaded.operationChecks[
    request.operation
  ](request.parameters ?? {});
  if (problems.length) {
    throw new InputError(
      `Invalid parameters of operation '${request.operation}' of ${
        found.summary.capability
      } instance '${tenant.name}/${found.summary.name}': ${problems
        .map(p => p.message)
        .join('; ')}`,
    );
  }
  const runName = request.runName ?? newRunName(request.operation);
  const problem = runNameProblem(runName);
  if (problem) throw new InputError(`${problem}; choose another run name`);
  const run = { name: runName, operation: request.operation };
  const manifests = renderOperation({
    instance: found,
    operation,
    run,
    parameters,
    values: recordedInstanceValues(
      found.loaded,
      found.summary,
      tenant,
      context.settings,
    ),
    marks,
    owner: tenant.owner,
  });
  const applied = await applyManifests(cluster, manifests, {
    fieldManager: context.fieldManager,
    dryRun: options.dryRun,
    marks,
    tenant: tenant.name,
    owner: tenant.owner,
    capability: found.summary.capability,
    instance: found.summary.name,
  });
  const logger = options.logger ?? context.logger;
  for (const object of applied.objects) {
    logger?.info(describeAppliedObject(object));
  }
  const result: InstanceOperationResult = {
    tenant: tenant.name,
    name: found.summary.name,
    capability: found.summary.capability,
    operation: request.operation,
    run: runName,
    cluster: cluster.name,
    namespace: found.summary.namespace,
    objects: applied.objects,
  };
  if (!options.wait || options.dryRun) return result;
  const main = manifests[operation.readiness?.object ?? 0];
  const state = await pollUntilReady(
    `Run '${runName}' of operation '${request.operation}'`,
    async () => {
      const object = await readObject(cluster, main);
      if (!object)
        throw new NotFoundError(`${main.kind} '${main.metadata.name}' is gone`);
      const readiness = runReadiness(object, operation);
      // A run waits on the capability's operator as an instance does: fail early when it
      // has not touched the run's object in its time.
      const silence =
        readiness.ready || !operation.readiness
          ? undefined
          : operatorSilence({
              signs: operatorSignsOf(object),
              capability: found.loaded.capability,
              cluster: cluster.name,
            });
      if (silence) {
        const message = `Run '${runName}' of operation '${request.operation}' is not being carried out: ${silence}`;
        logger?.info(message);
        throw new Error(message);
      }
      return {
        result: readiness,
        ready: readiness.ready,
        missing: readiness.message,
      };
    },
    {
      timeoutMs: options.timeoutMs ?? 300_000,
      onProgress: message => logger?.info(message),
    },
  );
  return { ...result, ready: state.ready, message: state.message };
}

/** Whether a run's object is done: its operation's readiness rule, or existing when it has none. */
function runReadiness(
  object: KubernetesObject,
  operation: CapabilityOperation,
): { ready: boolean; message: string } {
  if (!operation.readiness) {
    return {
      ready: true,
      message: `${object.kind} '${object.metadata?.name}' exists`,
    };
  }
  return readInstanceReadiness(object, operation.readiness);
}

async function readObject(
  cluster: KaasCluster,
  manifest: KubernetesManifest,
): Promise<KubernetesObject | undefined> {
  try {
    return await cluster.objects().read({
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      metadata: {
        name: manifest.metadata.name,
        namespace: manifest.metadata.namespace,
      },
    });
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The objects operations created for the instance, newest first, as they are now: found
 * by the instance's marks and the operation label, in the instance's namespace.
 */
export async function operationHistory(
  context: Pick<OperationContext, 'cluster' | 'found' | 'marks'>,
): Promise<OperationHistoryEntry[]> {
  const { cluster, found, marks } = context;
  const operations = found.loaded.capability.operations ?? {};
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const operation of Object.values(operations)) {
    for (const { apiVersion, kind } of operation.objects) {
      kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
    }
  }
  const api = cluster.objects();
  const selector = `${instanceSelector(marks, {
    tenant: found.summary.tenant,
    capability: found.summary.capability,
    instance: found.summary.name,
  })},${marks.operation}`;
  const lists = await Promise.all(
    [...kinds.values()].map(async ({ apiVersion, kind }) => {
      if (!(await api.discover(apiVersion, kind))) return [];
      const list = await api.list(
        apiVersion,
        kind,
        found.summary.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        selector,
      );
      return list.items.map(item => ({ ...item, apiVersion, kind }));
    }),
  );
  return lists
    .flat()
    .map(object => historyEntry(object, operations, marks))
    .sort(
      (a, b) =>
        (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
        a.name.localeCompare(b.name),
    );
}

function readyPhase(ready: boolean): string {
  return ready ? 'Done' : 'Pending';
}

function historyEntry(
  object: KubernetesObject & { apiVersion: string; kind: string },
  operations: Record<string, CapabilityOperation>,
  marks: KaasMarkKeys,
): OperationHistoryEntry {
  const labels = object.metadata?.labels ?? {};
  const name = labels[marks.operation];
  const operation = Object.hasOwn(operations, name)
    ? operations[name]
    : undefined;
  const main = operation?.objects[operation.readiness?.object ?? 0];
  // Only the object a rule reads can be pending; the others are done once created.
  const ready =
    operation?.readiness &&
    main?.apiVersion === object.apiVersion &&
    main?.kind === object.kind
      ? readInstanceReadiness(object, operation.readiness).ready
      : true;
  const phase = valueAt(object, 'status.phase');
  const created = object.metadata?.creationTimestamp;
  return {
    operation: name,
    run: labels[marks.run] ?? '',
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata?.name ?? '',
    phase: typeof phase === 'string' && phase ? phase : readyPhase(ready),
    ready,
    ...(created ? { createdAt: new Date(created).toISOString() } : {}),
  };
}
