import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  describeTenantRequestIssues,
  instanceRequestSchema,
  kaasMarkKeys,
  type Capability,
  type ConnectionDetails,
  type InstanceRequest,
  type KaasMarkKeys,
  type OperationHistoryEntry,
} from '@kaas-platform/plugin-kaas-common';
import { applyManifests } from '../apply/applyManifests';
import { describeAppliedObject } from '../apply/describeOutcome';
import { pollUntilReady } from '../apply/pollUntilReady';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import { ensurePlatformNamespace } from '../platform/platformNamespace';
import { describeChanges, logChanges } from '../tenants/describeChanges';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import type { TenantService } from '../tenants/TenantService';
import type { TenantSummary } from '../tenants/tenantSummary';
import { deleteInstance } from './deleteInstance';
import { findInstances, type FoundInstance } from './findInstances';
import { connectionOf, instanceConnectionRule } from './instanceConnection';
import { readInstanceReadiness } from './instanceReadiness';
import { operatorSignsOf, operatorSilence } from './operatorActivity';
import type {
  InstanceApplyResult,
  InstanceDeleteOptions,
  InstanceDeleteResult,
  InstanceReadiness,
  InstanceWaitOptions,
} from './instanceResults';
import type { InstanceSummary } from './instanceSummary';
import {
  operateInstance,
  operationHistory,
  type InstanceOperationOptions,
  type InstanceOperationRequest,
  type InstanceOperationResult,
  type OperationContext,
} from './operateInstance';
import { planParameters } from './instanceValues';
import { loadCapabilities, type LoadedCapability } from './readCapabilities';
import {
  readConnectionDetails,
  readCredentials,
} from './readConnectionDetails';
import {
  instancePlacement,
  renderInstance,
  type InstancePlacement,
  type InstancePlan,
} from './renderInstance';
import {
  assertSafeUpdate,
  mergedInstanceRequest,
  type InstanceUpdateRequest,
  type InstanceUpdateResult,
} from './updateInstance';

export type { InstanceSummary } from './instanceSummary';
export type {
  InstanceOperationOptions,
  InstanceOperationRequest,
  InstanceOperationResult,
} from './operateInstance';
export type { ConnectionDetails } from '@kaas-platform/plugin-kaas-common';
export type {
  InstanceApplyResult,
  InstanceDeleteOptions,
  InstanceDeleteResult,
  InstanceReadiness,
  InstanceWaitOptions,
} from './instanceResults';

/**
 * Creates, reads, waits for and deletes XaaS instances of the configured capabilities
 * in tenants. An existing instance is found by the marks on its main object, never by
 * rendering its capability again. Actions and routes go through it.
 *
 * @public
 */
export class InstanceService {
  static fromConfig(
    config: Config,
    options: {
      tenants: TenantService;
      clusters: ClusterRegistry;
      logger?: LoggerService;
    },
  ): InstanceService {
    return new InstanceService({
      ...options,
      capabilities: loadCapabilities(config),
    });
  }

  private readonly marks: KaasMarkKeys;
  private byId: Map<string, LoadedCapability>;

  private constructor(
    private readonly options: {
      tenants: TenantService;
      clusters: ClusterRegistry;
      capabilities: LoadedCapability[];
      logger?: LoggerService;
    },
  ) {
    this.marks = kaasMarkKeys(options.tenants.policy.settings.markPrefix);
    this.byId = new Map(options.capabilities.map(c => [c.capability.id, c]));
  }

  /**
   * Serves `capabilities` from now on (a config reload). Instances of a capability that
   * is gone stay on the clusters; they can no longer be created or changed here.
   *
   * @internal
   */
  useCapabilities(capabilities: LoadedCapability[]): void {
    this.options.capabilities = capabilities;
    this.byId = new Map(capabilities.map(c => [c.capability.id, c]));
  }

  capabilities(): Capability[] {
    return this.options.capabilities.map(c => c.capability);
  }

  /**
   * Validates and normalises a request, parameters included (merged over the plan's,
   * checked against the capability's schema); throws InputError naming each wrong field
   * or parameter.
   */
  validate(input: unknown): InstanceRequest {
    const result = instanceRequestSchema({
      capabilities: Object.fromEntries(
        this.options.capabilities.map(c => [c.capability.id, c.capability]),
      ),
    }).safeParse(input);
    if (!result.success) {
      throw new InputError(
        `Invalid instance request: ${describeTenantRequestIssues(result.error)
          .split('\n')
          .join('; ')}`,
      );
    }
    this.parametersOf(result.data);
    return result.data;
  }

  /** The objects a request becomes for `tenant`, in apply order, and where they go. */
  render(request: InstanceRequest, tenant: TenantSummary): InstancePlan {
    const { values: _values, ...plan } = this.renderFor(request, tenant);
    return plan;
  }

  /**
   * Creates or updates an instance: the tenant must exist; ownership guard first
   * (nothing is written when any object is foreign), then server-side apply. Idempotent.
   * Each object and what happened to it goes to `options.logger` (a scaffolder task's
   * log), or else the service's.
   */
  async create(
    request: InstanceRequest,
    options: { dryRun?: boolean; logger?: LoggerService } = {},
  ): Promise<InstanceApplyResult> {
    const valid = this.validate(request);
    const tenant = await this.options.tenants.get(valid.tenant);
    if (!tenant) {
      throw new InputError(
        `Tenant '${valid.tenant}' does not exist; create the tenant first or choose an existing one`,
      );
    }
    const existing = await this.get(valid.tenant, valid.name);
    if (existing && existing.capability !== valid.capability) {
      throw new ConflictError(
        `Instance '${valid.name}' of tenant '${valid.tenant}' already exists as a ${existing.capability} instance; choose another instance name.`,
      );
    }
    // Re-applying an existing instance is a change: the same rules as an update hold.
    if (existing) {
      assertSafeUpdate(
        this.byId.get(existing.capability)!,
        existing,
        this.parametersOf(valid),
      );
    }
    const plan = this.renderFor(valid, tenant);
    const cluster = this.options.clusters.get(plan.cluster);
    const { settings } = this.options.tenants.policy;
    const result = await applyManifests(cluster, plan.manifests, {
      fieldManager: settings.fieldManager,
      dryRun: options.dryRun,
      dryRunNamespace: options.dryRun
        ? await ensurePlatformNamespace(cluster, settings)
        : undefined,
      marks: this.marks,
      tenant: tenant.name,
      owner: tenant.owner,
      capability: valid.capability,
      instance: valid.name,
    });
    const logger = options.logger ?? this.options.logger;
    for (const object of result.objects) {
      logger?.info(describeAppliedObject(object));
    }
    const capability = this.byId.get(valid.capability)!.capability;
    return {
      tenant: plan.tenant,
      capability: plan.capability,
      name: plan.name,
      plan: plan.plan,
      cluster: plan.cluster,
      namespace: plan.namespace,
      objects: result.objects,
      connection: connectionOf(
        instanceConnectionRule(capability, plan.values),
        plan.namespace,
      ),
      ...(options.dryRun
        ? { manifests: result.manifests as KubernetesManifest[] }
        : {}),
    };
  }

  /**
   * Changes an existing instance's plan or parameters; what the request leaves out stays
   * as recorded. Changes its capability's `x-kaas-update` rules forbid are refused before
   * anything is written. Returns what was (would be) applied and each changed field.
   */
  async update(
    request: InstanceUpdateRequest,
    options: { dryRun?: boolean; logger?: LoggerService } = {},
  ): Promise<InstanceUpdateResult> {
    const { found, tenantSummary, cluster } = await this.resolve(
      request.tenant,
      request.name,
    );
    const existing = found.summary;
    if (request.capability !== existing.capability) {
      throw new ConflictError(
        `capability: instance '${request.tenant}/${request.name}' is a ${existing.capability} instance and stays one; create a ${request.capability} instance under another name instead`,
      );
    }
    const valid = this.validate(mergedInstanceRequest(existing, request));
    assertSafeUpdate(found.loaded, existing, this.parametersOf(valid));
    const changes = await describeChanges(
      cluster,
      this.render(valid, tenantSummary).manifests,
    );
    const result = await this.create(valid, options);
    logChanges(
      options.logger ?? this.options.logger,
      changes,
      options.dryRun === true,
    );
    return { ...result, changes };
  }

  /** The instance `name` of `tenant`, or undefined. */
  async get(
    tenant: string,
    name: string,
  ): Promise<InstanceSummary | undefined> {
    return (await this.find(tenant, name))?.found.summary;
  }

  /** Whether the instance is ready now, by its capability's readiness rule. */
  async readiness(tenant: string, name: string): Promise<InstanceReadiness> {
    const { found } = await this.resolve(tenant, name);
    return this.readinessOf(found);
  }

  private readinessOf(found: FoundInstance): InstanceReadiness {
    const { tenant, name } = found.summary;
    const state = readInstanceReadiness(
      found.object,
      found.loaded.capability.readiness,
    );
    return {
      tenant,
      name,
      capability: found.summary.capability,
      ready: state.ready,
      message: state.message,
    };
  }

  /**
   * Polls until the instance is ready; on timeout throws an Error saying what is missing.
   * Fails early, saying so in `onProgress` too, once no operator has acted on the main
   * object within its capability's `operator.actsWithin`.
   */
  waitUntilReady(
    tenant: string,
    name: string,
    options: InstanceWaitOptions,
  ): Promise<InstanceReadiness> {
    const what = `Instance '${name}' of tenant '${tenant}'`;
    return pollUntilReady(
      what,
      async () => {
        const { found } = await this.resolve(tenant, name);
        const readiness = this.readinessOf(found);
        const silence = readiness.ready
          ? undefined
          : operatorSilence({
              signs: operatorSignsOf(found.object),
              capability: found.loaded.capability,
              cluster: found.summary.cluster,
            });
        if (silence) {
          const message = `${what} is not being provisioned: ${silence}`;
          options.onProgress?.(message);
          throw new Error(message);
        }
        return {
          result: readiness,
          ready: readiness.ready,
          missing: readiness.message,
        };
      },
      options,
    );
  }

  /**
   * Host, port and the shown keys of the instance's Secret. Values of other keys are
   * never read into the result; only their names are listed.
   */
  async connectionDetails(
    tenant: string,
    name: string,
  ): Promise<ConnectionDetails> {
    const { cluster, found, tenantSummary } = await this.resolve(tenant, name);
    return readConnectionDetails(
      cluster,
      found,
      tenantSummary,
      this.options.tenants.policy.settings,
    );
  }

  /**
   * Every key and value of the instance's connection Secret, decoded, for the owners'
   * "reveal credentials". NotFoundError when the capability declares no Secret or the
   * operator has not written it yet. The caller audits; nothing here logs a value.
   */
  async credentials(
    tenant: string,
    name: string,
  ): Promise<{ secretName: string; values: Record<string, string> }> {
    const { cluster, found, tenantSummary } = await this.resolve(tenant, name);
    return readCredentials(
      cluster,
      found,
      tenantSummary,
      this.options.tenants.policy.settings,
    );
  }

  /**
   * Runs a day-2 operation its capability declares on the instance (`operations` of
   * `kaas.capabilities.<id>`): parameters checked, objects applied behind the ownership
   * guard with the operation and run marks, optionally waited for. The caller checks who
   * may run it (`operateInstanceAs`).
   */
  async operate(
    request: InstanceOperationRequest,
    options: InstanceOperationOptions = {},
  ): Promise<InstanceOperationResult> {
    return operateInstance(
      await this.operationContext(request.tenant, request.name),
      request,
      options,
    );
  }

  /** The objects operations created for the instance, newest first, with their phase. */
  async operationHistory(
    tenant: string,
    name: string,
  ): Promise<OperationHistoryEntry[]> {
    return operationHistory(await this.operationContext(tenant, name));
  }

  /**
   * Deletes every object of the instance (last template first). The `-xaas` namespace of
   * a vcluster/cluster tenant goes with its last instance; a home namespace stays.
   */
  async delete(
    tenant: string,
    name: string,
    options: InstanceDeleteOptions = {},
  ): Promise<InstanceDeleteResult> {
    const { cluster, found, tenantSummary } = await this.resolve(tenant, name);
    return deleteInstance(
      {
        cluster,
        marks: this.marks,
        tenant: tenantSummary,
        placement: this.placement(tenantSummary),
        anyInstanceLeft: async namespace =>
          (
            await findInstances(
              cluster,
              this.options.capabilities,
              this.marks,
              { namespace, tenant },
            )
          ).length > 0,
        logger: options.logger ?? this.options.logger,
      },
      found,
      options,
    );
  }

  private async operationContext(
    tenant: string,
    name: string,
  ): Promise<OperationContext> {
    const { cluster, found, tenantSummary } = await this.resolve(tenant, name);
    return {
      cluster,
      found,
      tenant: tenantSummary,
      marks: this.marks,
      fieldManager: this.options.tenants.policy.settings.fieldManager,
      settings: this.options.tenants.policy.settings,
      logger: this.options.logger,
    };
  }

  private placement(tenant: TenantSummary): InstancePlacement {
    return instancePlacement(
      tenant,
      this.options.clusters,
      this.options.tenants.policy.settings,
    );
  }

  private parametersOf(request: InstanceRequest): Record<string, unknown> {
    const loaded = this.byId.get(request.capability)!;
    const { parameters, problems } = planParameters(
      loaded,
      request.plan,
      request.parameters,
    );
    if (problems.length) {
      throw new InputError(
        `Invalid parameters of ${request.capability} instance '${
          request.name
        }' (plan '${request.plan}'): ${problems
          .map(p => p.message)
          .join('; ')}`,
      );
    }
    return parameters;
  }

  private renderFor(request: InstanceRequest, tenant: TenantSummary) {
    const loaded = this.byId.get(request.capability);
    if (!loaded) {
      throw new InputError(
        `Unknown capability '${request.capability}'; choose one of: ${[
          ...this.byId.keys(),
        ].join(', ')}`,
      );
    }
    return renderInstance({
      request,
      parameters: this.parametersOf(request),
      capability: loaded.capability,
      tenant,
      placement: this.placement(tenant),
      marks: this.marks,
      settings: this.options.tenants.policy.settings,
    });
  }

  /** The instance as its main object shows it now, and its tenant; undefined when absent. */
  private async find(
    tenant: string,
    name: string,
  ): Promise<
    { found: FoundInstance; tenantSummary: TenantSummary } | undefined
  > {
    const tenantSummary = await this.options.tenants.get(tenant);
    if (!tenantSummary) return undefined;
    const placement = this.placement(tenantSummary);
    const [found] = await findInstances(
      this.options.clusters.get(placement.cluster),
      this.options.capabilities,
      this.marks,
      { namespace: placement.namespace, tenant, instance: name },
    );
    return found ? { found, tenantSummary } : undefined;
  }

  private async resolve(tenant: string, name: string) {
    const resolved = await this.find(tenant, name);
    if (!resolved) {
      throw new NotFoundError(
        `Instance '${name}' of tenant '${tenant}' does not exist`,
      );
    }
    return {
      ...resolved,
      cluster: this.options.clusters.get(resolved.found.summary.cluster),
    };
  }
}
