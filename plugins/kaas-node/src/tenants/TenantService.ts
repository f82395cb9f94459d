import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  describeTenantRequestIssues,
  kaasMarkKeys,
  sameEntityRef,
  tenantNamespaceName,
  tenantRequestSchema,
  type KaasMarkKeys,
  type TenantIsolation,
  type TenantRequest,
} from '@internal/plugin-kaas-common';
import { applyManifests, type AppliedObject } from '../apply/applyManifests';
import { DiscoveringObjectApi, statusCode } from '../apply/objectApi';
import { foreignOwnership } from '../apply/ownershipGuard';
import { waitUntilAbsent } from '../apply/waitUntilAbsent';
import type { ClusterRegistry, KaasCluster } from '../clusters/ClusterRegistry';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';
import { readTenantPolicy } from './readTenantPolicy';
import { CLUSTER_API_VERSION } from './renderClusterApi';
import { renderTenant, type TenantPlan } from './renderTenant';
import { chooseTenantCluster } from './tenantCluster';
import { findTenantInstances, type InstanceKind } from './tenantInstances';
import type { TenantPolicy } from './tenantPolicy';
import { readTenantReadiness, type TenantReadiness } from './tenantReadiness';
import { tenantSummaryOf, type TenantSummary } from './tenantSummary';

export type { TenantSummary } from './tenantSummary';

/** What {@link TenantService.create} did. @public */
export interface TenantApplyResult {
  tenant: string;
  namespace: string;
  cluster: string;
  isolation: TenantIsolation;
  objects: AppliedObject[];
  /** Dry run only: the objects as the API server accepted them. */
  manifests?: KubernetesManifest[];
}

/** Options of {@link TenantService.delete}. @public */
export interface TenantDeleteOptions {
  /** Delete the tenant's XaaS instances too, instead of refusing while they exist. */
  deleteInstances?: boolean;
  /** Resolve only once the home namespace is gone. */
  waitUntilGone?: boolean;
  timeoutMs?: number;
  dryRun?: boolean;
}

/** What {@link TenantService.delete} deleted (or would delete, in a dry run). @public */
export interface TenantDeleteResult {
  tenant: string;
  namespace: string;
  cluster: string;
  dryRun: boolean;
  deleted: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  }>;
}

/** Options of {@link TenantService.waitUntilReady}. @public */
export interface TenantWaitOptions {
  timeoutMs: number;
  pollMs?: number;
  onProgress?(message: string): void;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Creates, reads, waits for and deletes tenants on the configured clusters. Actions,
 * routes and the entity provider all go through it.
 *
 * @public
 */
export class TenantService {
  static fromConfig(
    config: Config,
    options: {
      clusters: ClusterRegistry;
      logger?: LoggerService;
      instanceKinds?: InstanceKind[];
    },
  ): TenantService {
    return new TenantService({ ...options, policy: readTenantPolicy(config) });
  }

  private readonly marks: KaasMarkKeys;

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      policy: TenantPolicy;
      logger?: LoggerService;
      /** Kinds of XaaS instance objects; default: the known operator kinds each cluster serves. */
      instanceKinds?: InstanceKind[];
    },
  ) {
    this.marks = kaasMarkKeys(options.policy.settings.markPrefix);
  }

  get policy(): TenantPolicy {
    return this.options.policy;
  }

  /** Validates and normalises a request; throws InputError naming each wrong field. */
  validate(input: unknown): TenantRequest {
    const { policy, clusters: registry } = this.options;
    const result = tenantRequestSchema({
      rules: policy.settings,
      profiles: Object.keys(policy.profiles),
      clusters: registry.list().map(c => c.name),
      markPrefix: policy.settings.markPrefix,
    }).safeParse(input);
    if (!result.success) {
      throw new InputError(
        `Invalid tenant request: ${describeTenantRequestIssues(result.error)
          .split('\n')
          .join('; ')}`,
      );
    }
    return result.data;
  }

  /** The objects a request becomes, in apply order, and the cluster they go to. */
  render(request: TenantRequest): TenantPlan {
    const cluster = chooseTenantCluster(request, this.options.clusters);
    return renderTenant(request, this.options.policy, cluster.name);
  }

  /**
   * Creates or updates a tenant: ownership guard first (nothing is written when any
   * object is foreign), then server-side apply. Idempotent.
   */
  async create(
    request: TenantRequest,
    options: { dryRun?: boolean; logger?: LoggerService } = {},
  ): Promise<TenantApplyResult> {
    const valid = this.validate(request);
    const plan = this.render(valid);
    // Another owner's tenant is left to the ownership guard, whose message names the owner.
    const found = await this.get(valid.name);
    const existing =
      found && sameEntityRef(found.owner, plan.owner) ? found : undefined;
    if (existing && existing.cluster !== plan.cluster) {
      throw new ConflictError(
        `Tenant '${valid.name}' already exists on cluster '${existing.cluster}'; choose another tenant name.`,
      );
    }
    if (existing?.isolation && existing.isolation !== plan.isolation) {
      throw new ConflictError(
        `Tenant '${valid.name}' already exists with isolation '${existing.isolation}'; the isolation of a tenant cannot change, choose another tenant name.`,
      );
    }
    const cluster = this.options.clusters.get(plan.cluster);
    const result = await applyManifests(cluster, plan.manifests, {
      fieldManager: this.options.policy.settings.fieldManager,
      dryRun: options.dryRun,
      marks: this.marks,
      tenant: plan.tenant,
      owner: plan.owner,
      logger: options.logger ?? this.options.logger,
    });
    return {
      tenant: plan.tenant,
      namespace: plan.namespace,
      cluster: plan.cluster,
      isolation: plan.isolation,
      objects: result.objects,
      ...(options.dryRun
        ? { manifests: result.manifests as KubernetesManifest[] }
        : {}),
    };
  }

  /** The tenant called `name`, from its home namespace's marks, on whichever cluster it is. */
  async get(name: string): Promise<TenantSummary | undefined> {
    const namespace = tenantNamespaceName(name, this.options.policy.settings);
    const clusters = this.options.clusters
      .list()
      .filter(c => c.hasRole('tenants') || c.hasRole('management'));
    for (const cluster of clusters) {
      let ns;
      try {
        ns = await cluster.client(CoreV1Api).readNamespace({ name: namespace });
      } catch (error) {
        if (statusCode(error) === 404) continue;
        throw error;
      }
      const summary = tenantSummaryOf(ns, cluster.name, this.marks);
      if (summary?.name === name) return summary;
    }
    return undefined;
  }

  /** Every tenant on the clusters with the `tenants` or `management` role, by name. */
  async list(): Promise<TenantSummary[]> {
    const clusters = this.options.clusters
      .list()
      .filter(c => c.hasRole('tenants') || c.hasRole('management'));
    const perCluster = await Promise.all(
      clusters.map(async cluster => {
        const namespaces = await cluster.client(CoreV1Api).listNamespace({
          labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.isolation}`,
        });
        return namespaces.items.flatMap(
          ns => tenantSummaryOf(ns, cluster.name, this.marks) ?? [],
        );
      }),
    );
    return perCluster.flat().sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether the tenant is ready now, and what is missing. */
  async readiness(name: string): Promise<TenantReadiness> {
    const tenant = await this.get(name);
    if (!tenant) throw new NotFoundError(`Tenant '${name}' does not exist`);
    return readTenantReadiness(
      this.options.clusters.get(tenant.cluster),
      {
        name,
        namespace: tenant.namespace,
        isolation: tenant.isolation,
        crossplane:
          tenant.isolation === 'cluster'
            ? this.options.policy.profiles[tenant.profile]?.crossplane
            : undefined,
      },
      this.marks,
    );
  }

  /**
   * Polls until the tenant is ready. On timeout, throws an Error listing what is still
   * missing.
   */
  async waitUntilReady(
    name: string,
    options: TenantWaitOptions,
  ): Promise<TenantReadiness> {
    const deadline = Date.now() + options.timeoutMs;
    let lastReport = '';
    for (;;) {
      let readiness: TenantReadiness | undefined;
      let missing: string;
      try {
        readiness = await this.readiness(name);
        if (readiness.ready) {
          options.onProgress?.(`Tenant '${name}' is ready`);
          return readiness;
        }
        missing = readiness.conditions
          .filter(c => c.status !== 'True')
          .map(c => `${c.type}: ${c.message}`)
          .join('; ');
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        missing = error.message;
      }
      if (missing !== lastReport) {
        options.onProgress?.(`Waiting for tenant '${name}': ${missing}`);
        lastReport = missing;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Tenant '${name}' was not ready within ${Math.round(
            options.timeoutMs / 1000,
          )} s; still missing: ${missing}`,
        );
      }
      await sleep(options.pollMs ?? 2000);
    }
  }

  /**
   * Deletes a tenant: its Cluster API / Crossplane objects first, then the home
   * namespace. Refuses (ConflictError) while XaaS instances of the tenant exist, unless
   * `deleteInstances`.
   */
  async delete(
    name: string,
    options: TenantDeleteOptions = {},
  ): Promise<TenantDeleteResult> {
    const tenant = await this.get(name);
    if (!tenant) {
      throw new NotFoundError(
        `Tenant '${name}' does not exist (no namespace '${tenantNamespaceName(
          name,
          this.options.policy.settings,
        )}' managed by the platform on any cluster)`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    const cluster = this.options.clusters.get(tenant.cluster);
    const dryRun = options.dryRun ? 'All' : undefined;
    const api = DiscoveringObjectApi.forKubeConfig(cluster.kubeConfig());
    const deleted: TenantDeleteResult['deleted'] = [];
    const remove = async (
      object: KubernetesManifest,
      on: { cluster: KaasCluster; api: DiscoveringObjectApi } = {
        cluster,
        api,
      },
    ) => {
      await on.api.delete(object, undefined, dryRun);
      deleted.push({
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        ...(object.metadata.namespace
          ? { namespace: object.metadata.namespace }
          : {}),
      });
      this.options.logger?.info(
        `${options.dryRun ? 'dry-run deleted' : 'deleted'} ${describeObject(
          object,
        )} of tenant '${name}' on cluster '${on.cluster.name}'`,
      );
    };

    const ownership = {
      marks: this.marks,
      tenant: name,
      owner: tenant.owner,
    };
    const instances = await this.instancesOf(tenant, cluster);
    const instanceCount = instances.reduce((n, i) => n + i.objects.length, 0);
    if (instanceCount && !options.deleteInstances) {
      throw new ConflictError(
        `Tenant '${name}' still has ${instanceCount} XaaS instance(s): ${instances
          .flatMap(i => i.objects)
          .map(
            i =>
              `${describeObject(i)} (${
                i.metadata.labels?.[this.marks.capability]
              })`,
          )
          .join(
            ', ',
          )}; delete them first, or delete the tenant with its instances.`,
      );
    }
    for (const group of instances) {
      // Instances of vcluster/cluster tenants may live on another (xaas) cluster.
      const on = {
        cluster: group.cluster,
        api: DiscoveringObjectApi.forCluster(group.cluster),
      };
      for (const instance of group.objects) await remove(instance, on);
    }
    // The per-tenant namespaces that only hold instances (`<namespace>-xaas`) go too.
    for (const group of instances) {
      for (const namespace of await this.instanceNamespacesOf(
        name,
        tenant,
        group.cluster,
      )) {
        const problem = foreignOwnership(namespace, ownership);
        if (problem) throw new ConflictError(problem);
        await remove(namespace, {
          cluster: group.cluster,
          api: DiscoveringObjectApi.forCluster(group.cluster),
        });
      }
    }

    const provisioners = await this.provisionersOf(tenant, api);
    for (const object of provisioners) {
      const problem = foreignOwnership(object, ownership);
      if (problem) throw new ConflictError(problem);
      await remove(object);
    }
    if (!options.dryRun) {
      // Cluster API needs the namespace (its Secrets, the provider objects) to tear the
      // cluster down, so the namespace goes only once the Cluster is gone.
      for (const object of provisioners) {
        await waitUntilAbsent(api, object, deadline);
      }
    }
    await remove({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: tenant.namespace },
    });
    if (options.waitUntilGone && !options.dryRun) {
      await waitUntilAbsent(
        api,
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: tenant.namespace },
        },
        deadline,
      );
    }
    return {
      tenant: name,
      namespace: tenant.namespace,
      cluster: cluster.name,
      dryRun: !!options.dryRun,
      deleted,
    };
  }

  /**
   * The tenant's XaaS instance objects, by the cluster they live on: only those in the
   * namespaces its instances are placed in (the home namespace, or its `-xaas`
   * namespace). A tenant label on an object elsewhere, which anyone who may write there
   * can set, neither blocks this tenant's deletion nor gets that object deleted.
   */
  private async instancesOf(
    tenant: TenantSummary,
    home: KaasCluster,
  ): Promise<Array<{ cluster: KaasCluster; objects: KubernetesManifest[] }>> {
    const { name } = tenant;
    const placements = new Set([
      tenant.namespace,
      ...(tenant.isolation === 'namespace' ? [] : [`${tenant.namespace}-xaas`]),
    ]);
    const clusters = [
      home,
      ...this.options.clusters
        .withRole('xaas')
        .filter(c => c.name !== home.name),
    ];
    return Promise.all(
      clusters.map(async c => ({
        cluster: c,
        objects: (
          await findTenantInstances(
            c,
            name,
            this.marks,
            this.options.instanceKinds,
          )
        ).filter(o => placements.has(o.metadata.namespace ?? '')),
      })),
    );
  }

  /**
   * Namespaces on `cluster` marked for tenant `name` other than its home namespace: the
   * `-xaas` namespaces that hold the instances of vcluster and cluster tenants.
   */
  private async instanceNamespacesOf(
    name: string,
    tenant: TenantSummary,
    cluster: KaasCluster,
  ): Promise<KubernetesManifest[]> {
    const list = await cluster.client(CoreV1Api).listNamespace({
      labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.tenant}=${name}`,
    });
    return list.items
      .filter(
        ns =>
          !(
            cluster.name === tenant.cluster &&
            ns.metadata?.name === tenant.namespace
          ) && !ns.metadata?.deletionTimestamp,
      )
      .map(
        ns =>
          ({
            ...ns,
            apiVersion: 'v1',
            kind: 'Namespace',
          } as KubernetesManifest),
      );
  }

  /** The Cluster API Cluster or Crossplane claim of a vcluster/cluster tenant, if present. */
  private async provisionersOf(
    tenant: TenantSummary,
    api: DiscoveringObjectApi,
  ): Promise<KubernetesManifest[]> {
    if (tenant.isolation === 'namespace') return [];
    const crossplane =
      tenant.isolation === 'cluster'
        ? this.options.policy.profiles[tenant.profile]?.crossplane
        : undefined;
    const header = {
      apiVersion: crossplane?.apiVersion ?? CLUSTER_API_VERSION,
      kind: crossplane?.kind ?? 'Cluster',
      metadata: { name: tenant.name, namespace: tenant.namespace },
    };
    if (!(await api.discover(header.apiVersion, header.kind))) return [];
    try {
      const object = await api.read(header);
      return [
        {
          ...object,
          ...header,
          metadata: object.metadata ?? header.metadata,
        } as KubernetesManifest,
      ];
    } catch (error) {
      if (statusCode(error) === 404) return [];
      throw error;
    }
  }
}
