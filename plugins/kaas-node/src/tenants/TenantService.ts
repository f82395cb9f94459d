import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import {
  INSTANCE_NAMESPACE_SUFFIX,
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
import {
  describeAppliedObject,
  describeDeletedObject,
} from '../apply/describeOutcome';
import type { ClusterObjectApi } from '../clusters/ClusterObjectApi';
import { statusCode } from '../clusters/statusCode';
import { foreignOwnership } from '../apply/ownershipGuard';
import { waitUntilAbsent } from '../apply/waitUntilAbsent';
import {
  askEveryCluster,
  clustersUnavailable,
  findOnAnyCluster,
} from '../clusters/askEveryCluster';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { readCapabilities } from '../instances/readCapabilities';
import { ensurePlatformNamespace } from '../platform/platformNamespace';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';
import { readTenantPolicy } from './readTenantPolicy';
import { CLUSTER_API_VERSION } from './renderClusterApi';
import { renderTenant, type TenantPlan } from './renderTenant';
import { chooseTenantCluster } from './tenantCluster';
import {
  capabilityInstanceKinds,
  findTenantInstances,
  type InstanceKind,
} from './tenantInstances';
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
  /**
   * Dry run of a new tenant only: the platform namespace in which the objects meant for
   * its namespace were validated.
   */
  dryRunValidatedIn?: string;
}

/** Options of {@link TenantService.delete}. @public */
export interface TenantDeleteOptions {
  /** Delete the tenant's XaaS instances too, instead of refusing while they exist. */
  deleteInstances?: boolean;
  /** Resolve only once the home namespace is gone. */
  waitUntilGone?: boolean;
  timeoutMs?: number;
  dryRun?: boolean;
  /** Where each deleted object is reported (a scaffolder task's log); default: the service's. */
  logger?: LoggerService;
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
      /** Kinds of XaaS instance objects; default: those of `kaas.capabilities`. */
      instanceKinds?: InstanceKind[];
    },
  ): TenantService {
    return new TenantService({
      ...options,
      policy: readTenantPolicy(config),
      instanceKinds:
        options.instanceKinds ??
        capabilityInstanceKinds(readCapabilities(config)),
    });
  }

  private readonly marks: KaasMarkKeys;

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      policy: TenantPolicy;
      logger?: LoggerService;
      /** Kinds of XaaS instance objects, looked for before a tenant is deleted. */
      instanceKinds: InstanceKind[];
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
      allowedLabelPrefixes: policy.settings.allowedLabelPrefixes,
      allowedAnnotationPrefixes: policy.settings.allowedAnnotationPrefixes,
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
   * Creates or updates a tenant. A name is one tenant's on every configured cluster: a
   * name marked for another owner anywhere is refused, and so is every name while a
   * cluster cannot be asked. A new tenant's namespace is claimed with a plain create, so
   * of two simultaneous creators the second fails (409) before it writes anything; then
   * the ownership guard (nothing is written when any object is foreign) and server-side
   * apply. Idempotent. Each object and what happened to it goes to `options.logger` (a
   * scaffolder task's log), or else the service's.
   */
  async create(
    request: TenantRequest,
    options: { dryRun?: boolean; logger?: LoggerService } = {},
  ): Promise<TenantApplyResult> {
    const valid = this.validate(request);
    const plan = this.render(valid);
    const existing = await this.assertNameIsFree(plan);
    if (existing?.isolation && existing.isolation !== plan.isolation) {
      throw new ConflictError(
        `Tenant '${valid.name}' already exists with isolation '${existing.isolation}'; the isolation of a tenant cannot change, choose another tenant name.`,
      );
    }
    const cluster = this.options.clusters.get(plan.cluster);
    const logger = options.logger ?? this.options.logger;
    const claimed =
      !existing && !options.dryRun && (await this.claimHome(cluster, plan));
    let result;
    try {
      if (claimed) await this.assertNameIsFree(plan);
      result = await applyManifests(cluster, plan.manifests, {
        fieldManager: this.options.policy.settings.fieldManager,
        dryRun: options.dryRun,
        dryRunNamespace:
          options.dryRun && !existing
            ? await ensurePlatformNamespace(
                cluster,
                this.options.policy.settings,
              )
            : undefined,
        marks: this.marks,
        tenant: plan.tenant,
        owner: plan.owner,
      });
    } catch (error) {
      // A tenant that could not be made whole leaves nothing behind.
      if (claimed) await this.releaseHome(cluster, plan, logger);
      throw error;
    }
    // The claim created the namespace; apply only completed it.
    const objects = result.objects.map(
      (object, i): AppliedObject =>
        claimed && i === 0 ? { ...object, action: 'created' } : object,
    );
    for (const object of objects) logger?.info(describeAppliedObject(object));
    return {
      tenant: plan.tenant,
      namespace: plan.namespace,
      cluster: plan.cluster,
      isolation: plan.isolation,
      objects,
      ...(options.dryRun
        ? { manifests: result.manifests as KubernetesManifest[] }
        : {}),
      ...(result.dryRunValidatedIn
        ? { dryRunValidatedIn: result.dryRunValidatedIn }
        : {}),
    };
  }

  /**
   * Refuses the plan's name when any cluster holds a namespace marked for a tenant of
   * that name and another owner, or the owner's tenant of that name on another cluster;
   * fails closed, naming the cluster, when one cannot be asked. Returns this owner's
   * existing tenant on the plan's cluster, if any.
   */
  private async assertNameIsFree(
    plan: TenantPlan,
  ): Promise<TenantSummary | undefined> {
    const { answered, failed } = await askEveryCluster(
      this.options.clusters.list(),
      async cluster =>
        (
          await cluster.api(CoreV1Api).listNamespace({
            labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.tenant}=${plan.tenant}`,
          })
        ).items.filter(ns => !ns.metadata?.deletionTimestamp),
    );
    let existing: TenantSummary | undefined;
    for (const { cluster, value: namespaces } of answered) {
      for (const ns of namespaces) {
        const name = ns.metadata?.name ?? '';
        const problem = foreignOwnership(
          { ...ns, apiVersion: 'v1', kind: 'Namespace' },
          { marks: this.marks, tenant: plan.tenant, owner: plan.owner },
        );
        if (problem) {
          throw new ConflictError(
            cluster.name === plan.cluster
              ? problem
              : `Tenant name '${plan.tenant}' is taken on cluster '${cluster.name}': ${problem}`,
          );
        }
        if (name !== plan.namespace) continue;
        if (cluster.name !== plan.cluster) {
          throw new ConflictError(
            `Tenant '${plan.tenant}' already exists on cluster '${cluster.name}'; choose another tenant name.`,
          );
        }
        existing = tenantSummaryOf(ns, cluster.name, this.marks);
      }
    }
    if (failed.length) {
      throw clustersUnavailable(
        failed,
        `for a tenant named '${plan.tenant}' elsewhere`,
      );
    }
    return existing;
  }

  /**
   * Creates the new tenant's home namespace, marked for its owner, with a plain create:
   * true when this call made it. A namespace that exists already (another creator was
   * first) is taken over only when it is this owner's.
   */
  private async claimHome(
    cluster: KaasCluster,
    plan: TenantPlan,
  ): Promise<boolean> {
    const home = plan.manifests[0];
    // Only marks every apply writes too: what a plain create sets stays co-owned by it,
    // so a later apply could not remove it. The request (spec) is among them so that
    // nobody reading the namespace meanwhile sees a tenant without its profile.
    const spec = home.metadata.annotations?.[this.marks.spec];
    const body: V1Namespace = {
      metadata: {
        name: plan.namespace,
        labels: {
          [this.marks.managedBy]: MANAGED_BY_VALUE,
          [this.marks.tenant]: plan.tenant,
          [this.marks.isolation]: plan.isolation,
        },
        annotations: {
          [this.marks.owner]: plan.owner,
          ...(spec ? { [this.marks.spec]: spec } : {}),
        },
      },
    };
    const core = cluster.api(CoreV1Api);
    try {
      await core.createNamespace({
        body,
        fieldManager: this.options.policy.settings.fieldManager,
      });
      return true;
    } catch (error) {
      if (statusCode(error) !== 409) throw error;
    }
    const current = await core.readNamespace({ name: home.metadata.name });
    const problem = foreignOwnership(
      { ...current, apiVersion: 'v1', kind: 'Namespace' },
      { marks: this.marks, tenant: plan.tenant, owner: plan.owner },
    );
    if (problem) throw new ConflictError(problem);
    return false;
  }

  /** Deletes a home namespace this call claimed, when what should follow failed. */
  private async releaseHome(
    cluster: KaasCluster,
    plan: TenantPlan,
    logger?: LoggerService,
  ): Promise<void> {
    try {
      await cluster.api(CoreV1Api).deleteNamespace({ name: plan.namespace });
    } catch (error) {
      logger?.warn(
        `could not remove namespace '${plan.namespace}' on cluster '${cluster.name}' after a failed create of tenant '${plan.tenant}': ${error}`,
      );
    }
  }

  /**
   * The tenant called `name`, from its home namespace's marks, on whichever cluster it is.
   * Every cluster is asked at once and the first to have it answers; one that cannot be
   * asked neither hides nor delays a tenant found on another, but when no cluster has it
   * and one could not be asked this fails (ServiceUnavailableError naming the cluster)
   * rather than saying the tenant does not exist.
   */
  async get(name: string): Promise<TenantSummary | undefined> {
    const namespace = tenantNamespaceName(name, this.options.policy.settings);
    return findOnAnyCluster(
      this.tenantClusters(),
      async cluster => {
        let home: V1Namespace;
        try {
          home = await cluster
            .api(CoreV1Api)
            .readNamespace({ name: namespace });
        } catch (error) {
          if (statusCode(error) === 404) return undefined;
          throw error;
        }
        const summary = tenantSummaryOf(home, cluster.name, this.marks);
        return summary?.name === name ? summary : undefined;
      },
      `for tenant '${name}'`,
    );
  }

  private tenantClusters(): KaasCluster[] {
    return this.options.clusters
      .list()
      .filter(c => c.hasRole('tenants') || c.hasRole('management'));
  }

  /** Every tenant on the clusters with the `tenants` or `management` role, by name. */
  async list(): Promise<TenantSummary[]> {
    const { answered, failed } = await askEveryCluster(
      this.tenantClusters(),
      async cluster => {
        const namespaces = await cluster.api(CoreV1Api).listNamespace({
          labelSelector: `${this.marks.managedBy}=${MANAGED_BY_VALUE},${this.marks.isolation}`,
        });
        return namespaces.items.flatMap(
          ns => tenantSummaryOf(ns, cluster.name, this.marks) ?? [],
        );
      },
    );
    if (failed.length) throw clustersUnavailable(failed, 'for tenants');
    return answered
      .flatMap(a => a.value)
      .sort((a, b) => a.name.localeCompare(b.name));
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
   * `deleteInstances`. Given the summary the caller checked (an action checks its owner),
   * refuses when the name now leads to another cluster or owner.
   */
  async delete(
    nameOrTenant: string | TenantSummary,
    options: TenantDeleteOptions = {},
  ): Promise<TenantDeleteResult> {
    const name =
      typeof nameOrTenant === 'string' ? nameOrTenant : nameOrTenant.name;
    const tenant = await this.get(name);
    // The caller authorised one tenant (cluster and owner); never delete another by name.
    if (
      tenant &&
      typeof nameOrTenant !== 'string' &&
      (tenant.cluster !== nameOrTenant.cluster ||
        !sameEntityRef(tenant.owner, nameOrTenant.owner))
    ) {
      throw new ConflictError(
        `Tenant '${name}' is now found on cluster '${tenant.cluster}' for ${tenant.owner}, not on cluster '${nameOrTenant.cluster}' for ${nameOrTenant.owner} as when it was checked; nothing was deleted, try again`,
      );
    }
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
    const api = cluster.objects();
    const logger = options.logger ?? this.options.logger;
    const deleted: TenantDeleteResult['deleted'] = [];
    const remove = async (
      object: KubernetesManifest,
      on: { cluster: KaasCluster; api: ClusterObjectApi } = {
        cluster,
        api,
      },
    ) => {
      await on.api.delete(object, undefined, dryRun);
      const entry = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        ...(object.metadata.namespace
          ? { namespace: object.metadata.namespace }
          : {}),
      };
      deleted.push(entry);
      // A task log names the tenant's cluster once, up front; only objects elsewhere
      // (instances on an xaas cluster) say where they were.
      logger?.info(
        describeDeletedObject(
          entry,
          !!options.dryRun,
          on.cluster.name === cluster.name ? undefined : on.cluster.name,
        ),
      );
    };

    const ownership = {
      marks: this.marks,
      tenant: name,
      owner: tenant.owner,
    };
    const instances = await this.instancesOf(tenant, cluster);
    const instanceObjects = instances.flatMap(i => i.objects);
    if (instanceObjects.length && !options.deleteInstances) {
      throw new ConflictError(
        `Tenant '${name}' still has ${
          instanceObjects.length
        } XaaS instance(s): ${instanceObjects
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
    const provisioners = await this.provisionersOf(tenant, api);
    // Every object is checked before the first is deleted: a label anyone who may write
    // there can set does not make an object this tenant's.
    const homeOwner = new Map([[tenant.namespace, tenant.owner]]);
    const refused = [...instanceObjects, ...provisioners].flatMap(
      object =>
        foreignOwnership(object, ownership, 'delete', {
          namespaceOwners: homeOwner,
        }) ?? [],
    );
    if (refused.length) {
      throw new ConflictError(
        `Tenant '${name}' was not deleted, nor was anything of it: ${refused.join(
          ' ',
        )} Ask the platform team to look into these objects.`,
      );
    }
    for (const group of instances) {
      // Instances of vcluster/cluster tenants may live on another (xaas) cluster.
      const on = {
        cluster: group.cluster,
        api: group.cluster.objects(),
      };
      for (const instance of group.objects) await remove(instance, on);
    }
    // The per-tenant namespaces that only hold instances (`<namespace>-xaas`) go too.
    for (const group of instances) {
      if (group.instanceNamespace) {
        await remove(group.instanceNamespace, {
          cluster: group.cluster,
          api: group.cluster.objects(),
        });
      }
    }
    for (const object of provisioners) await remove(object);
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
   * The tenant's XaaS instance objects, by the (cluster, namespace) they live in: its
   * home namespace on its own cluster, and for vcluster and cluster tenants its `-xaas`
   * namespace on each xaas cluster where that namespace is marked for this tenant and
   * its owner. A namespace of the same name marked for another owner (another cluster's
   * tenant of the same name) is not this tenant's, and neither is anything labelled as
   * its instance elsewhere. Fails closed, naming the cluster, when an xaas cluster cannot
   * be asked: instances there would be left behind.
   */
  private async instancesOf(
    tenant: TenantSummary,
    home: KaasCluster,
  ): Promise<
    Array<{
      cluster: KaasCluster;
      objects: KubernetesManifest[];
      /** The `-xaas` namespace the objects are in, when it is this tenant's. */
      instanceNamespace?: KubernetesManifest;
    }>
  > {
    const find = (cluster: KaasCluster, namespace: string) =>
      findTenantInstances(
        cluster,
        tenant.name,
        this.marks,
        this.options.instanceKinds,
        namespace,
      );
    const inHome = {
      cluster: home,
      objects: await find(home, tenant.namespace),
    };
    if (tenant.isolation === 'namespace') return [inHome];

    const name = `${tenant.namespace}${INSTANCE_NAMESPACE_SUFFIX}`;
    const { answered, failed } = await askEveryCluster(
      this.options.clusters.withRole('xaas'),
      async cluster => {
        let namespace: V1Namespace;
        try {
          namespace = await cluster.api(CoreV1Api).readNamespace({ name });
        } catch (error) {
          if (statusCode(error) === 404) return undefined;
          throw error;
        }
        const manifest = {
          ...namespace,
          apiVersion: 'v1',
          kind: 'Namespace',
        } as KubernetesManifest;
        const mine = !foreignOwnership(
          manifest,
          { marks: this.marks, tenant: tenant.name, owner: tenant.owner },
          'delete',
        );
        if (!mine) return undefined;
        return {
          cluster,
          objects: await find(cluster, name),
          ...(namespace.metadata?.deletionTimestamp
            ? {}
            : { instanceNamespace: manifest }),
        };
      },
    );
    if (failed.length) {
      throw clustersUnavailable(
        failed,
        `for instances of tenant '${tenant.name}' (nothing was deleted)`,
      );
    }
    return [inHome, ...answered.flatMap(a => a.value ?? [])];
  }

  /** The Cluster API Cluster or Crossplane claim of a vcluster/cluster tenant, if present. */
  private async provisionersOf(
    tenant: TenantSummary,
    api: ClusterObjectApi,
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
