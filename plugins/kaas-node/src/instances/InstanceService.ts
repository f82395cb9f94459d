import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CoreV1Api,
  type KubernetesObject,
  type V1Secret,
} from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  describeTenantRequestIssues,
  instanceRequestSchema,
  kaasMarkKeys,
  type Capability,
  type ConnectionDetails,
  type InstanceRequest,
  type KaasMarkKeys,
} from '@internal/plugin-kaas-common';
import { applyManifests, type AppliedObject } from '../apply/applyManifests';
import {
  describeAppliedObject,
  describeDeletedObject,
} from '../apply/describeOutcome';
import { statusCode } from '../clusters/statusCode';
import { foreignOwnership } from '../apply/ownershipGuard';
import { waitUntilAbsent } from '../apply/waitUntilAbsent';
import {
  askEveryCluster,
  clustersUnavailable,
} from '../clusters/askEveryCluster';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { ensurePlatformNamespace } from '../platform/platformNamespace';
import {
  describeObject,
  type KubernetesManifest,
} from '../tenants/kubernetesManifest';
import { capabilityInstanceKinds } from '../tenants/tenantInstances';
import type { TenantService } from '../tenants/TenantService';
import type { TenantSummary } from '../tenants/tenantSummary';
import { loadCapabilities, type LoadedCapability } from './readCapabilities';
import { readInstanceReadiness, valueAt } from './instanceReadiness';
import { instanceSummaryOf, type InstanceSummary } from './instanceSummary';
import { staticConnection } from './staticConnection';
import { substituteInstancePlaceholders } from './instanceTemplates';
import {
  instancePlacement,
  renderInstance,
  type InstancePlacement,
  type InstancePlan,
} from './renderInstance';

export type { InstanceSummary } from './instanceSummary';

/** What {@link InstanceService.create} did. @public */
export interface InstanceApplyResult {
  tenant: string;
  capability: string;
  name: string;
  plan: string;
  cluster: string;
  namespace: string;
  objects: AppliedObject[];
  /**
   * Where the connection details will be, without reading any value: the Secret (empty
   * when the capability declares none), host and port when known before the operator
   * has acted, and the keys safe to show.
   */
  connection: {
    secretName: string;
    host?: string;
    port?: number;
    showKeys: string[];
  };
  /** Dry run only: the objects as the API server accepted them. */
  manifests?: KubernetesManifest[];
}

/** Whether an instance is ready, and if not, what is missing. @public */
export interface InstanceReadiness {
  tenant: string;
  name: string;
  capability: string;
  ready: boolean;
  /** What the readiness rule saw, e.g. `condition Ready is False: ...`. */
  message: string;
}

/** Options of {@link InstanceService.waitUntilReady}. @public */
export interface InstanceWaitOptions {
  timeoutMs: number;
  pollMs?: number;
  onProgress?(message: string): void;
}

export type { ConnectionDetails } from '@internal/plugin-kaas-common';

/** Options of {@link InstanceService.delete}. @public */
export interface InstanceDeleteOptions {
  waitUntilGone?: boolean;
  timeoutMs?: number;
  dryRun?: boolean;
  /** Where each deleted object is reported (a scaffolder task's log); default: the service's. */
  logger?: LoggerService;
}

/** What {@link InstanceService.delete} deleted (or would delete). @public */
export interface InstanceDeleteResult {
  tenant: string;
  name: string;
  capability: string;
  cluster: string;
  namespace: string;
  dryRun: boolean;
  deleted: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
  }>;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Creates, reads, waits for and deletes XaaS instances of the configured capabilities
 * in tenants. Actions, routes and the entity provider all go through it.
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
  private readonly byId: Map<string, LoadedCapability>;

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
    const {
      templateIndexes: _indexes,
      values: _values,
      ...plan
    } = this.renderWithIndexes(request, tenant);
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
    const plan = this.renderWithIndexes(valid, tenant);
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
    return {
      tenant: plan.tenant,
      capability: plan.capability,
      name: plan.name,
      plan: plan.plan,
      cluster: plan.cluster,
      namespace: plan.namespace,
      objects: result.objects,
      connection: staticConnection(
        substituteInstancePlaceholders(
          this.byId.get(valid.capability)!.capability.connection ?? {},
          plan.values,
        ),
        plan.namespace,
      ),
      ...(options.dryRun
        ? { manifests: result.manifests as KubernetesManifest[] }
        : {}),
    };
  }

  /** The instance `name` of `tenant`, or undefined. */
  async get(
    tenant: string,
    name: string,
  ): Promise<InstanceSummary | undefined> {
    const found = await this.findMain(tenant, name);
    return found?.summary;
  }

  /** The instances of `tenant`, or of every tenant, sorted by tenant and name. */
  async list(tenant?: string): Promise<InstanceSummary[]> {
    let targets: Array<{ cluster: KaasCluster; namespace?: string }>;
    if (tenant) {
      const summary = await this.options.tenants.get(tenant);
      if (!summary) return [];
      const placement = this.placement(summary);
      targets = [
        {
          cluster: this.options.clusters.get(placement.cluster),
          namespace: placement.namespace,
        },
      ];
    } else {
      targets = this.options.clusters
        .list()
        .filter(c => c.hasRole('tenants') || c.hasRole('xaas'))
        .map(cluster => ({ cluster }));
    }
    const selector = tenant ? `${this.marks.tenant}=${tenant}` : undefined;
    const { answered, failed } = await askEveryCluster(
      targets.map(t => t.cluster),
      cluster =>
        this.listMain(
          cluster,
          targets.find(t => t.cluster === cluster)?.namespace,
          selector,
        ),
    );
    if (failed.length) {
      throw clustersUnavailable(
        failed,
        tenant ? `for instances of tenant '${tenant}'` : 'for instances',
      );
    }
    const unique = new Map<string, InstanceSummary>();
    for (const summary of answered.flatMap(a => a.value)) {
      unique.set(
        `${summary.cluster}/${summary.namespace}/${summary.tenant}/${summary.name}`,
        summary,
      );
    }
    return [...unique.values()].sort(
      (a, b) =>
        a.tenant.localeCompare(b.tenant) || a.name.localeCompare(b.name),
    );
  }

  /** Whether the instance is ready now, by its capability's readiness rule. */
  async readiness(tenant: string, name: string): Promise<InstanceReadiness> {
    const { summary, loaded, rendered, cluster } = await this.resolve(
      tenant,
      name,
    );
    const { readiness } = loaded.capability;
    const object = await this.readRendered(
      cluster,
      rendered,
      readiness.object ?? 0,
    );
    const state = readInstanceReadiness(object, readiness);
    return {
      tenant,
      name,
      capability: summary.capability,
      ready: state.ready,
      message: state.message,
    };
  }

  /** Polls until the instance is ready; on timeout throws an Error saying what is missing. */
  async waitUntilReady(
    tenant: string,
    name: string,
    options: InstanceWaitOptions,
  ): Promise<InstanceReadiness> {
    const deadline = Date.now() + options.timeoutMs;
    let lastReport = '';
    for (;;) {
      let missing: string;
      try {
        const readiness = await this.readiness(tenant, name);
        if (readiness.ready) {
          options.onProgress?.(
            `Instance '${name}' of tenant '${tenant}' is ready`,
          );
          return readiness;
        }
        missing = readiness.message;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        missing = error.message;
      }
      if (missing !== lastReport) {
        options.onProgress?.(
          `Waiting for instance '${name}' of tenant '${tenant}': ${missing}`,
        );
        lastReport = missing;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Instance '${name}' of tenant '${tenant}' was not ready within ${Math.round(
            options.timeoutMs / 1000,
          )} s; still missing: ${missing}`,
        );
      }
      await sleep(options.pollMs ?? 2000);
    }
  }

  /**
   * Host, port and the shown keys of the instance's Secret. Values of other keys are
   * never read into the result; only their names are listed.
   */
  async connectionDetails(
    tenant: string,
    name: string,
  ): Promise<ConnectionDetails> {
    const { loaded, rendered, cluster, values } = await this.resolve(
      tenant,
      name,
    );
    const rule = loaded.capability.connection;
    if (!rule) {
      throw new NotFoundError(
        `Capability '${loaded.capability.id}' declares no connection details`,
      );
    }
    const connection = substituteInstancePlaceholders(rule, values);
    const details: ConnectionDetails = {
      ...staticConnection(connection, rendered.namespace),
      shownValues: {},
      hiddenKeys: [],
    };
    delete (details as { showKeys?: unknown }).showKeys;
    if (connection.fromStatus) {
      const object = await this.readRendered(
        cluster,
        rendered,
        loaded.capability.readiness.object ?? 0,
      );
      const service = valueAt(object, connection.fromStatus);
      if (typeof service !== 'string' || !service) {
        throw new NotFoundError(
          `${describeObject(object)} does not report ${
            connection.fromStatus
          } yet; wait until the instance is ready`,
        );
      }
      details.host = `${service}.${rendered.namespace}.svc`;
    }
    if (connection.secretName) {
      const secret = await this.readConnectionSecret(
        cluster,
        rendered.namespace,
        connection.secretName,
        name,
      );
      const shown = new Set(connection.showKeys ?? []);
      const data = { ...secret.data };
      for (const key of Object.keys(data).sort()) {
        if (shown.has(key)) {
          details.shownValues[key] = Buffer.from(data[key], 'base64').toString(
            'utf8',
          );
        } else {
          details.hiddenKeys.push(key);
        }
      }
    }
    return details;
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
    const { loaded, cluster, values, rendered } = await this.resolve(
      tenant,
      name,
    );
    const secretName = substituteInstancePlaceholders(
      loaded.capability.connection ?? {},
      values,
    ).secretName;
    if (!secretName) {
      throw new NotFoundError(
        `Capability '${loaded.capability.id}' declares no connection Secret`,
      );
    }
    const secret = await this.readConnectionSecret(
      cluster,
      rendered.namespace,
      secretName,
      name,
    );
    const decoded: Record<string, string> = {};
    for (const key of Object.keys(secret.data ?? {}).sort()) {
      decoded[key] = Buffer.from(secret.data![key], 'base64').toString('utf8');
    }
    return { secretName, values: decoded };
  }

  private async readConnectionSecret(
    cluster: KaasCluster,
    namespace: string,
    secretName: string,
    instance: string,
  ): Promise<V1Secret> {
    try {
      return await cluster.api(CoreV1Api).readNamespacedSecret({
        name: secretName,
        namespace,
      });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
      throw new NotFoundError(
        `Secret '${namespace}/${secretName}' of instance '${instance}' does not exist yet; wait until the instance is ready`,
      );
    }
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
    const found = await this.findMain(tenant, name);
    if (!found) {
      throw new NotFoundError(
        `Instance '${name}' of tenant '${tenant}' does not exist`,
      );
    }
    const { summary, loaded, cluster } = found;
    const api = cluster.objects();
    const selector = this.selector({
      tenant,
      instance: name,
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
      marks: this.marks,
      tenant,
      owner: summary.owner,
      capability: summary.capability,
      instance: name,
    };
    for (const object of objects) {
      const problem = foreignOwnership(object, ownership);
      if (problem) throw new ConflictError(problem);
    }
    const logger = options.logger ?? this.options.logger;
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
    if (!options.dryRun) {
      await this.removeEmptyXaasNamespace(found.tenantSummary, cluster, logger);
    }
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
      tenant,
      name,
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
  private async removeEmptyXaasNamespace(
    tenant: TenantSummary,
    cluster: KaasCluster,
    logger?: LoggerService,
  ): Promise<void> {
    const placement = this.placement(tenant);
    if (!placement.dedicatedNamespace) return;
    const remaining = await this.listMain(
      cluster,
      placement.namespace,
      `${this.marks.tenant}=${tenant.name}`,
    );
    if (remaining.length) return;
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
        { marks: this.marks, tenant: tenant.name, owner: tenant.owner },
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

  private placement(tenant: TenantSummary): InstancePlacement {
    return instancePlacement(
      tenant,
      this.options.clusters,
      this.options.tenants.policy.settings,
    );
  }

  private parametersOf(request: InstanceRequest): Record<string, unknown> {
    const loaded = this.byId.get(request.capability)!;
    const merged = {
      ...loaded.capability.plans[request.plan].parameters,
      ...request.parameters,
    };
    const { parameters, problems } = loaded.checkParameters(merged);
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

  private renderWithIndexes(request: InstanceRequest, tenant: TenantSummary) {
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
    });
  }

  private selector(marks: {
    tenant?: string;
    instance?: string;
    capability?: string;
  }): string {
    return [
      `${this.marks.managedBy}=${MANAGED_BY_VALUE}`,
      marks.tenant ? `${this.marks.tenant}=${marks.tenant}` : this.marks.tenant,
      marks.capability
        ? `${this.marks.capability}=${marks.capability}`
        : this.marks.capability,
      marks.instance
        ? `${this.marks.instance}=${marks.instance}`
        : this.marks.instance,
    ].join(',');
  }

  /** Main objects (the readiness object's kind) of every capability in `namespace`. */
  private async listMain(
    cluster: KaasCluster,
    namespace: string | undefined,
    extraSelector: string | undefined,
    instance?: string,
  ): Promise<InstanceSummary[]> {
    const api = cluster.objects();
    const perCapability = await Promise.all(
      this.options.capabilities.map(async ({ capability }) => {
        const main = capability.objects[capability.readiness.object ?? 0];
        if (!(await api.discover(main.apiVersion, main.kind))) return [];
        const selector = [
          this.selector({ capability: capability.id, instance }),
          extraSelector,
        ]
          .filter(Boolean)
          .join(',');
        const list = await api.list(
          main.apiVersion,
          main.kind,
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          selector,
        );
        return list.items.flatMap(
          item =>
            instanceSummaryOf(item, cluster.name, capability.id, this.marks) ??
            [],
        );
      }),
    );
    return perCapability.flat();
  }

  private async findMain(tenant: string, name: string) {
    const summary = await this.options.tenants.get(tenant);
    if (!summary) return undefined;
    const placement = this.placement(summary);
    const cluster = this.options.clusters.get(placement.cluster);
    const [found] = await this.listMain(
      cluster,
      placement.namespace,
      `${this.marks.tenant}=${tenant}`,
      name,
    );
    if (!found) return undefined;
    const loaded = this.byId.get(found.capability)!;
    return { summary: found, tenantSummary: summary, loaded, cluster };
  }

  /** The instance, its capability and its plan as rendered now from its recorded request. */
  private async resolve(tenant: string, name: string) {
    const found = await this.findMain(tenant, name);
    if (!found) {
      throw new NotFoundError(
        `Instance '${name}' of tenant '${tenant}' does not exist`,
      );
    }
    const request: InstanceRequest = {
      tenant,
      capability: found.summary.capability,
      name,
      plan: found.summary.plan,
      parameters: found.summary.parameters,
    };
    const rendered = this.renderWithIndexes(request, found.tenantSummary);
    return { ...found, rendered, values: rendered.values };
  }

  private async readRendered(
    cluster: KaasCluster,
    rendered: ReturnType<InstanceService['renderWithIndexes']>,
    templateIndex: number,
  ): Promise<KubernetesObject> {
    const manifest =
      rendered.manifests[rendered.templateIndexes.indexOf(templateIndex)];
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
      if (statusCode(error) !== 404) throw error;
      throw new NotFoundError(`${describeObject(manifest)} does not exist`);
    }
  }
}
