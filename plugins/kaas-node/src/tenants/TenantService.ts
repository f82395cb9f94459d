import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import {
  describeTenantRequestIssues,
  kaasMarkKeys,
  sameEntityRef,
  tenantNamespaceName,
  tenantRequestSchema,
  type KaasMarkKeys,
  type TenantRequest,
} from '@kaas-platform/plugin-kaas-common';
import { applyManifests, type AppliedObject } from '../apply/applyManifests';
import { describeAppliedObject } from '../apply/describeOutcome';
import { pollUntilReady } from '../apply/pollUntilReady';
import { findOnAnyCluster } from '../clusters/askEveryCluster';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';
import { readCapabilities } from '../instances/readCapabilities';
import { ensurePlatformNamespace } from '../platform/platformNamespace';
import {
  assertSameIsolation,
  assertTenantNameIsFree,
  claimTenantHome,
  releaseTenantHome,
} from './claimTenantName';
import { deleteTenant } from './deleteTenant';
import { describeChanges, logChanges } from './describeChanges';
import { policyObjectsToPrune, prunePolicyObjects } from './prunePolicyObjects';
import { kubernetesVersionProblem } from './kubernetesVersionChange';
import { listTenantsLive } from './listTenantsLive';
import {
  rollOutPolicy,
  type RolloutOptions,
  type RolloutResult,
  type RolloutSelector,
} from './policyRollout';
import { describeObject, type KubernetesManifest } from './kubernetesManifest';
import { readTenantPolicy } from './readTenantPolicy';
import { renderTenant, type TenantPlan } from './renderTenant';
import { quotaBelowUsage } from './quotaUsageCheck';
import { chooseTenantCluster } from './tenantCluster';
import { capabilityInstanceKinds, type InstanceKind } from './tenantInstances';
import type { TenantPolicy } from './tenantPolicy';
import {
  transferTenant,
  type TenantTransferOptions,
  type TenantTransferResult,
} from './transferTenant';
import { readTenantReadiness, type TenantReadiness } from './tenantReadiness';
import type {
  TenantApplyResult,
  TenantDeleteOptions,
  TenantDeleteResult,
  TenantUpdateResult,
  TenantWaitOptions,
} from './tenantResults';
import { tenantSummaryOf, type TenantSummary } from './tenantSummary';

export type { TenantSummary } from './tenantSummary';
export type {
  TenantTransferOptions,
  TenantTransferResult,
} from './transferTenant';

export type {
  TenantApplyResult,
  TenantDeleteOptions,
  TenantDeleteResult,
  TenantUpdateResult,
  TenantWaitOptions,
} from './tenantResults';

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

  /**
   * The kinds of XaaS instance objects from now on (a config reload of the capabilities).
   *
   * @internal
   */
  useInstanceKinds(instanceKinds: InstanceKind[]): void {
    this.options.instanceKinds = instanceKinds;
  }

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
    const { clusters } = this.options;
    const fieldManager = this.options.policy.settings.fieldManager;
    // The watch caches are enough to decide here: on the plan's cluster the claim below
    // settles a race, and the other clusters are read again, consistently, after it.
    let existing = await assertTenantNameIsFree(clusters, this.marks, plan, {
      fromCache: !options.dryRun,
    });
    assertSameIsolation(existing, plan);
    const cluster = clusters.get(plan.cluster);
    const versionProblem = await kubernetesVersionProblem(
      cluster,
      plan.manifests,
      this.options.policy.profiles[valid.profile],
      valid.kubernetesVersion,
    );
    if (versionProblem) throw new InputError(versionProblem);
    let claimed: V1Namespace | undefined;
    if (!existing && !options.dryRun) {
      claimed = await claimTenantHome(cluster, this.marks, fieldManager, plan);
      if (!claimed) {
        // Ours already, made a moment ago: the cache had not seen it yet.
        existing = await assertTenantNameIsFree(clusters, this.marks, plan);
        assertSameIsolation(existing, plan);
      }
    }
    // Re-applying an existing tenant is a change: a quota below what it uses is refused.
    if (existing) {
      const tooSmall = await quotaBelowUsage(cluster, plan.manifests);
      if (tooSmall.length) {
        throw new InputError(
          `profile: '${valid.profile}' allows less than tenant '${
            valid.name
          }' uses now (${tooSmall.join(
            '; ',
          )}); free those resources first, or choose a larger profile`,
        );
      }
    }
    const logger = options.logger ?? this.options.logger;
    // Read before the apply rewrites the home namespace's record of its policy objects.
    const toPrune = existing
      ? await policyObjectsToPrune(cluster, plan, this.marks, logger)
      : [];
    let result;
    try {
      if (claimed) {
        await assertTenantNameIsFree(clusters, this.marks, plan, {
          otherClustersOnly: true,
        });
      }
      result = await applyManifests(cluster, plan.manifests, {
        fieldManager,
        dryRun: options.dryRun,
        dryRunNamespace:
          options.dryRun && !existing
            ? await ensurePlatformNamespace(
                cluster,
                this.options.policy.settings,
              )
            : undefined,
        ...(claimed?.metadata?.uid
          ? {
              claimedNamespace: {
                name: plan.namespace,
                uid: claimed.metadata.uid,
              },
            }
          : {}),
        marks: this.marks,
        tenant: plan.tenant,
        owner: plan.owner,
      });
    } catch (error) {
      // A tenant that could not be made whole leaves nothing behind.
      if (claimed) await releaseTenantHome(cluster, plan, claimed, logger);
      throw error;
    }
    // The claim created the namespace; apply only completed it.
    const objects = result.objects.map(
      (object, i): AppliedObject =>
        claimed && i === 0 ? { ...object, action: 'created' } : object,
    );
    for (const object of objects) logger?.info(describeAppliedObject(object));
    if (options.dryRun) {
      for (const object of toPrune) {
        logger?.info(
          `Would delete ${describeObject(
            object,
          )}: today's policy no longer renders it`,
        );
      }
    } else {
      await prunePolicyObjects(cluster, toPrune, logger);
    }
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
   * Changes an existing tenant to `request`: its profile (quota and limits up or down),
   * description and labels. The owner and the isolation stay (a different owner is an
   * ownership transfer). A profile whose quota is below what the tenant uses now is
   * refused, naming each resource and its usage, before anything is written. Returns what
   * was (in a dry run: would be) applied, and each field that changes.
   */
  async update(
    request: TenantRequest,
    options: { dryRun?: boolean; logger?: LoggerService } = {},
  ): Promise<TenantUpdateResult> {
    const named = this.validate(request);
    const existing = await this.get(named.name);
    if (!existing) {
      throw new NotFoundError(
        `Tenant '${named.name}' does not exist; create it first (kaas:tenant:create)`,
      );
    }
    // What the request leaves out (a form without the labels, say) stays as recorded:
    // applying without it would remove it.
    const valid = this.validate({
      ...(await this.recordedRequest(existing)),
      ...Object.fromEntries(
        Object.entries(request).filter(([, value]) => value !== undefined),
      ),
    });
    if (existing.isolation !== valid.isolation) {
      throw new InputError(
        `isolation: tenant '${valid.name}' is a ${existing.isolation} tenant and stays one; the isolation of a tenant cannot change`,
      );
    }
    if (!sameEntityRef(existing.owner, valid.owner)) {
      throw new ConflictError(
        `Tenant '${valid.name}' belongs to ${existing.owner}, not ${valid.owner}; an update keeps the owner (moving a tenant to another group is an ownership transfer)`,
      );
    }
    if (valid.cluster && valid.cluster !== existing.cluster) {
      throw new InputError(
        `cluster: tenant '${valid.name}' is on cluster '${existing.cluster}' and stays there`,
      );
    }
    // The tenant stays where it is; a request that never named its cluster still does
    // not (the recorded request would change for nothing) unless placement now differs.
    const pinned: TenantRequest =
      valid.cluster || this.render(valid).cluster === existing.cluster
        ? valid
        : { ...valid, cluster: existing.cluster };
    const plan = this.render(pinned);
    const cluster = this.options.clusters.get(plan.cluster);
    // What differs is read before the apply; it is told once the apply's checks passed.
    const changes = [
      ...(await describeChanges(cluster, plan.manifests)),
      ...(await policyObjectsToPrune(cluster, plan, this.marks)).map(o => ({
        object: describeObject(o),
        path: '',
        to: 'deleted',
      })),
    ];
    const result = await this.create(pinned, options);
    logChanges(
      options.logger ?? this.options.logger,
      changes,
      options.dryRun === true,
    );
    return { ...result, changes };
  }

  /**
   * Moves a tenant and its instances to the group `newOwner` (see `transferTenant`): marks,
   * RoleBindings and the recorded request follow, the old group's RoleBindings and token
   * kubeconfigs go. Authorisation is the caller's (`transferTenantAs`).
   */
  async transfer(
    name: string,
    newOwner: string,
    options: TenantTransferOptions,
  ): Promise<TenantTransferResult> {
    const tenant = await this.get(name);
    if (!tenant) throw new NotFoundError(`Tenant '${name}' does not exist`);
    const named = this.validate({
      name,
      isolation: tenant.isolation,
      profile: tenant.profile,
      ...(await this.recordedRequest(tenant)),
      owner: newOwner,
    });
    // The tenant stays where it is (pinned only when placement would now differ, as update does).
    const request =
      named.cluster || this.render(named).cluster === tenant.cluster
        ? named
        : { ...named, cluster: tenant.cluster };
    return transferTenant(
      {
        clusters: this.options.clusters,
        marks: this.marks,
        settings: this.options.policy.settings,
        instanceKinds: this.options.instanceKinds,
      },
      tenant,
      this.render(request),
      { ...options, logger: options.logger ?? this.options.logger },
    );
  }

  /**
   * Brings the tenants `selector` chooses up to today's policy, in waves (see
   * `rollOutPolicy`). Tenants are listed live on every tenant cluster.
   */
  async rollOut(
    selector: RolloutSelector,
    options: RolloutOptions,
  ): Promise<RolloutResult> {
    const all = await listTenantsLive(this.tenantClusters(), this.marks);
    return rollOutPolicy(this, all, selector, options);
  }

  /** The request recorded on the tenant's home namespace when it was last applied. */
  private async recordedRequest(
    tenant: TenantSummary,
  ): Promise<Partial<TenantRequest>> {
    const home = await this.options.clusters
      .get(tenant.cluster)
      .api(CoreV1Api)
      .readNamespace({ name: tenant.namespace });
    try {
      return JSON.parse(home.metadata?.annotations?.[this.marks.spec] ?? '{}');
    } catch {
      return {}; // a hand-edited annotation: the request alone counts
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
  waitUntilReady(
    name: string,
    options: TenantWaitOptions,
  ): Promise<TenantReadiness> {
    return pollUntilReady(
      `Tenant '${name}'`,
      async () => {
        const readiness = await this.readiness(name);
        return {
          result: readiness,
          ready: readiness.ready,
          missing: readiness.conditions
            .filter(c => c.status !== 'True')
            .map(c => `${c.type}: ${c.message}`)
            .join('; '),
        };
      },
      options,
    );
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
    return deleteTenant(
      {
        clusters: this.options.clusters,
        marks: this.marks,
        profiles: this.options.policy.profiles,
        instanceKinds: this.options.instanceKinds,
      },
      tenant,
      { ...options, logger: options.logger ?? this.options.logger },
    );
  }
}
