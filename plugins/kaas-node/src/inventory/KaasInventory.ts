import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  kaasMarkKeys,
  tenantNamespaceName,
  type InstanceStatus,
  type KaasMarkKeys,
  type TenantDrift,
  type TenantStatus,
} from '@kaas-platform/plugin-kaas-common';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import {
  loadCapabilities,
  type LoadedCapability,
} from '../instances/readCapabilities';
import { instancePlacement } from '../instances/renderInstance';
import { readTenantPolicy } from '../tenants/readTenantPolicy';
import { policyKinds } from '../tenants/policyKinds';
import { CLUSTER_API_VERSION } from '../tenants/renderClusterApi';
import type { TenantPolicy } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import { ClusterWatches, type ClusterWatchesChange } from './ClusterWatches';
import type { KaasInventory, KaasInventoryEvent } from './kaasInventoryApi';
import { instanceStatusOf } from './instanceStatusOf';
import { RequestCounter, type InventoryRequestCounts } from './requestCounter';
import type { NamespaceProjection } from './objectProjections';
import { DRIFT_GRACE_MS, tenantDriftOf } from './tenantDriftOf';
import { tenantStatusOf } from './tenantStatusOf';

export type { KaasInventory, KaasInventoryEvent } from './kaasInventoryApi';

/** Options of {@link DefaultKaasInventory}. @public */
export interface DefaultKaasInventoryOptions {
  clusters: ClusterRegistry;
  policy: TenantPolicy;
  capabilities: LoadedCapability[];
  /** Whether `kaas.oidc` is configured: namespace tenants then offer OIDC kubeconfigs. */
  oidc: boolean;
  logger: LoggerService;
  /** How often kinds that are not installed are looked for again. Default 60 s. */
  rediscoverMs?: number;
}

/**
 * The informer cache: one `ClusterWatches` per configured cluster, started on
 * first use.
 *
 * @public
 */
export class DefaultKaasInventory implements KaasInventory {
  static fromConfig(
    config: Config,
    options: { clusters: ClusterRegistry; logger: LoggerService },
  ): DefaultKaasInventory {
    return new DefaultKaasInventory({
      ...options,
      policy: readTenantPolicy(config),
      capabilities: loadCapabilities(config),
      oidc: config.has('kaas.oidc'),
    });
  }

  private readonly marks: KaasMarkKeys;
  private readonly counter = new RequestCounter();
  private readonly listeners = new Set<(event: KaasInventoryEvent) => void>();
  private readonly observed = new Map<string, number>();
  /** Each tenant's Drifted condition by `cluster/namespace`, until a change in its namespace. */
  private readonly drifts = new Map<string, TenantDrift>();
  /** Each tenant's status by `cluster/namespace`, until a change in its namespace or `until`. */
  private readonly statuses = new Map<
    string,
    { status: TenantStatus; until: number }
  >();
  private capabilityById: Map<string, LoadedCapability>;
  /** `tenants()`, sorted, until a home namespace changes. */
  private tenantList?: TenantSummary[];
  private watches?: ClusterWatches[];
  private started?: Promise<void>;
  private startedAt = Date.now();

  private constructor(private readonly options: DefaultKaasInventoryOptions) {
    this.marks = kaasMarkKeys(options.policy.settings.markPrefix);
    this.capabilityById = new Map(
      options.capabilities.map(c => [c.capability.id, c]),
    );
  }

  ready(): Promise<void> {
    this.start();
    return this.started!;
  }

  synced(): boolean {
    return this.clusterWatches().every(w => w.hasSynced());
  }

  clustersOutOfSync(): string[] {
    return this.clusterWatches()
      .filter(w => !w.inSync())
      .map(w => w.name);
  }

  tenants(): TenantSummary[] {
    if (!this.tenantList) {
      const seen = new Map<string, TenantSummary>();
      for (const watches of this.clusterWatches()) {
        for (const home of watches.namespaces?.all() ?? []) {
          if (!seen.has(home.summary.name)) {
            seen.set(home.summary.name, Object.freeze({ ...home.summary }));
          }
        }
      }
      this.tenantList = [...seen.values()].sort((a, b) =>
        a.name.localeCompare(b.name),
      );
    }
    return [...this.tenantList];
  }

  tenant(name: string): TenantSummary | undefined {
    const found = this.home(name);
    return found && { ...found.home.summary };
  }

  tenantStatus(name: string): TenantStatus | undefined {
    const found = this.home(name);
    if (!found) return undefined;
    const { home, watches } = found;
    const key = `${watches.name}/${home.summary.namespace}`;
    // While the cluster cannot be read, the status is as last seen, and says since when.
    const failingSince = watches.failingSince();
    const stale = failingSince
      ? { staleSince: failingSince.toISOString() }
      : {};
    const kept = this.statuses.get(key);
    if (kept && kept.status.name === name && kept.until > Date.now()) {
      return { ...kept.status, ...stale };
    }
    const observed = this.observed.get(key) ?? this.startedAt;
    const status = tenantStatusOf({
      home,
      watches,
      policy: this.options.policy,
      drift: this.driftOf(key, home, watches),
      oidc: this.options.oidc,
      observedAt: new Date(observed).toISOString(),
    });
    // Everything a status is made of lives in the home namespace: it holds until a change
    // there, except that a new tenant's missing objects count as drift only later.
    if (watches.inSync()) {
      this.statuses.set(key, {
        status,
        until: this.drifts.has(key)
          ? Infinity
          : new Date(home.summary.createdAt).getTime() + DRIFT_GRACE_MS,
      });
    }
    return { ...status, ...stale };
  }

  instances(tenant?: string): InstanceStatus[] {
    if (tenant !== undefined) return this.instancesOf(tenant);
    const tenants = new Map<string, TenantSummary | undefined>();
    const tenantNamed = (name: string) => {
      if (!tenants.has(name)) tenants.set(name, this.tenant(name));
      return tenants.get(name);
    };
    const unique = new Map<string, InstanceStatus>();
    for (const watches of this.clusterWatches()) {
      for (const instance of watches.instances()) {
        const { summary } = instance;
        if (tenant !== undefined && summary.tenant !== tenant) continue;
        const owner = tenantNamed(summary.tenant);
        if (!owner || !this.placedRight(summary, owner)) continue;
        const loaded = this.capabilityById.get(summary.capability);
        if (!loaded) continue;
        const key = `${summary.tenant}/${summary.name}`;
        if (!unique.has(key)) {
          unique.set(key, this.statusOf(instance, loaded, owner));
        }
      }
    }
    return [...unique.values()].sort(
      (a, b) =>
        a.tenant.localeCompare(b.tenant) || a.name.localeCompare(b.name),
    );
  }

  /**
   * The instances of one tenant: only where its instances go counts (see `placedRight`),
   * so only that namespace is looked at.
   */
  private instancesOf(name: string): InstanceStatus[] {
    const tenant = this.tenant(name);
    if (!tenant) return [];
    let placement: { cluster: string; namespace: string };
    try {
      placement = instancePlacement(
        tenant,
        this.options.clusters,
        this.options.policy.settings,
      );
    } catch {
      return [];
    }
    const watches = this.clusterWatches().find(
      w => w.name === placement.cluster,
    );
    const unique = new Map<string, InstanceStatus>();
    for (const instance of watches?.instancesIn(placement.namespace) ?? []) {
      const { summary } = instance;
      if (summary.tenant !== name || unique.has(summary.name)) continue;
      const loaded = this.capabilityById.get(summary.capability);
      if (!loaded) continue;
      unique.set(summary.name, this.statusOf(instance, loaded, tenant));
    }
    return [...unique.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  instance(tenant: string, name: string): InstanceStatus | undefined {
    return this.instances(tenant).find(i => i.name === name);
  }

  subscribe(listener: (event: KaasInventoryEvent) => void): () => void {
    this.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  requestCounts(): InventoryRequestCounts {
    return this.counter.snapshot();
  }

  /**
   * `<cluster>/<namespace>` of every namespace the inventory keeps something about
   * (objects, the time of the last change), so tests can see a deleted tenant forgotten.
   */
  namespacesHeld(): string[] {
    const held = new Set(this.observed.keys());
    for (const watches of this.clusterWatches()) {
      for (const watch of watches.watches()) {
        for (const namespace of watch.namespaces()) {
          if (namespace) held.add(`${watches.name}/${namespace}`);
        }
      }
    }
    return [...held].sort();
  }

  /**
   * The watch sets by cluster name (tests drop their connections through them).
   *
   * @internal
   */
  clusters(): ClusterWatches[] {
    return this.clusterWatches();
  }

  /** Starts the watches; idempotent. Every query starts them too. */
  start(): void {
    if (this.started) return;
    this.startedAt = Date.now();
    const { clusters, policy, capabilities, logger } = this.options;
    const profiles = Object.values(policy.profiles);
    const claimKinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const profile of profiles) {
      if (profile.crossplane) {
        const { apiVersion, kind } = profile.crossplane;
        claimKinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
      }
    }
    this.watches = clusters
      .list()
      .filter(
        c =>
          c.hasRole('tenants') || c.hasRole('management') || c.hasRole('xaas'),
      )
      .map(
        cluster =>
          new ClusterWatches({
            cluster,
            marks: this.marks,
            claimKinds: [...claimKinds.values()],
            kubeconfigSecretNames: profiles.flatMap(
              p => p.crossplane?.connectionSecretName ?? [],
            ),
            clusterApiVersion: CLUSTER_API_VERSION,
            capabilities,
            policyKinds: policyKinds(this.options.policy),
            fieldManager: this.options.policy.settings.fieldManager,
            counter: this.counter,
            logger,
            rediscoverMs: this.options.rediscoverMs,
            onChange: change => this.changed(cluster.name, change),
          }),
      );
    for (const watches of this.watches) watches.start();
    this.started = Promise.all(this.watches.map(w => w.whenListed())).then(
      () => {
        logger.info(
          `kaas inventory listed ${this.tenants().length} tenant(s) and ${
            this.instances().length
          } instance(s) on ${this.watches!.length} cluster(s)`,
        );
      },
    );
  }

  /**
   * Follows a change of `kaas.capabilities` (a config reload): instances of a new
   * capability are listed and followed, those of a removed one are forgotten, and every
   * instance is judged by its capability's new readiness rule.
   *
   * @internal
   */
  async useCapabilities(capabilities: LoadedCapability[]): Promise<void> {
    this.options.capabilities = capabilities;
    this.capabilityById = new Map(capabilities.map(c => [c.capability.id, c]));
    await Promise.all(
      (this.watches ?? []).map(w => w.useCapabilities(capabilities)),
    );
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    await Promise.all((this.watches ?? []).map(w => w.stop()));
  }

  private clusterWatches(): ClusterWatches[] {
    this.start();
    return this.watches!;
  }

  /**
   * The tenant's Drifted condition, judged again only after a change in its namespace
   * (rendering and comparing every policy object costs more than the rest of a status).
   * Not kept while the tenant is new: objects not there yet count as deleted only later.
   */
  private driftOf(
    key: string,
    home: NamespaceProjection,
    watches: ClusterWatches,
  ): TenantDrift {
    const kept = this.drifts.get(key);
    if (kept) return kept;
    // One clock reading for both: a drift judged just inside the grace (missing objects
    // not counted) must not be kept as if judged after it.
    const now = Date.now();
    const drift = tenantDriftOf({
      home,
      watches,
      policy: this.options.policy,
      marks: this.marks,
      now,
    });
    if (
      watches.inSync() &&
      now - new Date(home.summary.createdAt).getTime() > DRIFT_GRACE_MS
    ) {
      this.drifts.set(key, drift);
    }
    return drift;
  }

  private changed(cluster: string, change: ClusterWatchesChange) {
    // Change times are kept for tenant home namespaces only, and forgotten with them:
    // every namespace's pods and events pass through here.
    if (change.type === 'resync' || change.summaries === 'tenant') {
      this.tenantList = undefined;
    }
    if (change.type === 'change') {
      const key = `${cluster}/${change.namespace}`;
      this.drifts.delete(key);
      this.statuses.delete(key);
      if (this.isHome(cluster, change.namespace)) {
        this.observed.set(key, Date.now());
      } else {
        this.observed.delete(key);
      }
    } else {
      this.drifts.clear();
      this.statuses.clear();
      for (const key of this.observed.keys()) {
        const slash = key.indexOf('/');
        if (!this.isHome(key.slice(0, slash), key.slice(slash + 1))) {
          this.observed.delete(key);
        }
      }
    }
    const event: KaasInventoryEvent =
      change.type === 'change'
        ? {
            type: 'change',
            cluster,
            namespace: change.namespace,
            ...(change.summaries
              ? {
                  summaries: change.summaries,
                  tenants: this.tenantsChangedBy(cluster, change),
                }
              : {}),
          }
        : { type: 'resync' };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.warn(
          `kaas inventory listener failed: ${(error as Error).message}`,
        );
      }
    }
  }

  /** The tenants a change may have changed the summary or instances of, as seen now. */
  private tenantsChangedBy(
    cluster: string,
    change: ClusterWatchesChange & { type: 'change' },
  ): string[] {
    const watches = this.watches?.find(w => w.name === cluster);
    if (change.summaries === 'tenant') {
      const home = watches?.namespaces?.get('', change.namespace);
      return home ? [home.summary.name] : [];
    }
    if (change.summaries === 'instance') {
      return [
        ...new Set(
          (watches?.instancesIn(change.namespace) ?? []).map(
            i => i.summary.tenant,
          ),
        ),
      ];
    }
    return [];
  }

  private isHome(cluster: string, namespace: string): boolean {
    return !!this.watches
      ?.find(w => w.name === cluster)
      ?.namespaces?.get('', namespace);
  }

  /** The home namespace of tenant `name` and the watches of its cluster. */
  private home(name: string) {
    const namespace = tenantNamespaceName(name, this.options.policy.settings);
    for (const watches of this.clusterWatches()) {
      const home = watches.namespaces?.get('', namespace);
      if (home?.summary.name === name) return { home, watches };
    }
    return undefined;
  }

  private statusOf(
    instance: Parameters<typeof instanceStatusOf>[0]['instance'],
    loaded: Parameters<typeof instanceStatusOf>[0]['loaded'],
    tenant: TenantSummary,
  ): InstanceStatus {
    const { settings } = this.options.policy;
    return instanceStatusOf({ instance, loaded, tenant, settings });
  }

  /**
   * Only objects where the tenant's instances go count as its instances: a tenant's
   * users cannot make an object in their own namespace pass for another tenant's.
   */
  private placedRight(
    instance: { cluster: string; namespace: string },
    tenant: TenantSummary,
  ): boolean {
    try {
      const placement = instancePlacement(
        tenant,
        this.options.clusters,
        this.options.policy.settings,
      );
      return (
        placement.cluster === instance.cluster &&
        placement.namespace === instance.namespace
      );
    } catch {
      return false;
    }
  }
}
