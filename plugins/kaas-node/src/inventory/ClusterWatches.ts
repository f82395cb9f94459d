import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasCluster } from '../clusters/KaasCluster';
import type { LoadedCapability } from '../instances/readCapabilities';
import { backoffDelay } from './backoff';
import { KubeApiError } from '../clusters/streamingGet';
import type { RequestCounter } from './requestCounter';
import {
  projectLivePolicyObject,
  type LivePolicyObject,
} from './livePolicyObject';
import {
  KindWatch,
  type KindWatchChange,
  type WatchedResource,
} from './KindWatch';
import {
  projectClusterObject,
  projectEvent,
  projectInstance,
  projectLimitRange,
  projectNamespace,
  projectNetworkPolicy,
  projectPod,
  projectQuota,
  type ClusterObjectProjection,
  type EventProjection,
  type InstanceProjection,
  type LimitRangeProjection,
  type NamespaceProjection,
  type NetworkPolicyProjection,
  type QuotaProjection,
} from './objectProjections';

/** Events kept per namespace, newest first. */
export const EVENTS_PER_NAMESPACE = 20;

/** Policy kinds the core watches keep already (with their live object). */
const WATCHED_POLICY_KINDS = new Set([
  'v1/Namespace',
  'v1/ResourceQuota',
  'v1/LimitRange',
  'networking.k8s.io/v1/NetworkPolicy',
]);

/** A kind that may not be installed (a CRD): discovered before it is watched. */
interface OptionalKind {
  apiVersion: string;
  kind: string;
  labelSelector: string;
  project(object: KubernetesObject): unknown;
  /** Whether the kind is kept for drift (see `livePolicyObject`). */
  policy?: boolean;
  /** Whether the kind is a capability's main kind (instances). */
  instances?: boolean;
  watch?: KindWatch<unknown>;
  /** Discoveries in a row that found the kind not served while it was watched. */
  misses: number;
}

/**
 * A change of one cluster's watches. `summaries` says when it may change what a tenant
 * or instance summary holds (a home namespace, an instance's main object), which is all
 * catalog entities are made of; every other kind changes statuses only.
 */
export type ClusterWatchesChange =
  | (KindWatchChange & { type: 'change'; summaries?: 'tenant' | 'instance' })
  | { type: 'resync' };

/** Options of {@link ClusterWatches}. */
export interface ClusterWatchesOptions {
  cluster: KaasCluster;
  marks: KaasMarkKeys;
  /** Crossplane claim kinds of the profiles (`cluster` tenants). */
  claimKinds: Array<{ apiVersion: string; kind: string }>;
  /** Names of kubeconfig Secrets other than `<tenant>-kubeconfig` (Crossplane profiles). */
  kubeconfigSecretNames: string[];
  clusterApiVersion: string;
  capabilities: LoadedCapability[];
  /**
   * Kinds the tenant policy renders into home namespaces besides the namespace, quota,
   * limit range and NetworkPolicies (RoleBindings, ...): kept whole, to tell drift.
   */
  policyKinds: Array<{ apiVersion: string; kind: string }>;
  /** The platform's field manager: writes by any other are hand edits. */
  fieldManager: string;
  counter: RequestCounter;
  logger: LoggerService;
  onChange(change: ClusterWatchesChange): void;
  /** How often kinds that are not installed are looked for again. Default 60 s. */
  rediscoverMs?: number;
}

const DISCOVERY_TIMEOUT_MS = 15_000;

/**
 * Everything the inventory watches on one cluster: with the `tenants` or `management`
 * role, tenant home namespaces and their policy objects, pods, workloads, events,
 * kubeconfig Secret names and the Cluster API / Crossplane objects; with `tenants` or
 * `xaas`, the main object of every capability. Kinds that come from CRDs are discovered
 * first, and looked for again every minute while they are missing.
 */
export class ClusterWatches {
  readonly namespaces?: KindWatch<NamespaceProjection>;
  readonly quotas?: KindWatch<QuotaProjection>;
  readonly limitRanges?: KindWatch<LimitRangeProjection>;
  readonly networkPolicies?: KindWatch<NetworkPolicyProjection>;
  readonly pods?: KindWatch<string>;
  readonly deployments?: KindWatch<true>;
  readonly statefulSets?: KindWatch<true>;
  readonly events?: KindWatch<EventProjection>;
  readonly kubeconfigSecrets?: KindWatch<true>;
  private readonly core: Array<KindWatch<unknown>> = [];
  private readonly optional = new Map<string, OptionalKind>();
  private discovered = false;
  private firstDiscovery?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  private readonly instanceRoles: boolean;

  constructor(private options: ClusterWatchesOptions) {
    const { cluster, marks, fieldManager } = options;
    const live = (object: KubernetesObject) =>
      projectLivePolicyObject(object, fieldManager);
    const managed = `${marks.managedBy}=${MANAGED_BY_VALUE}`;
    const tenantRoles =
      cluster.hasRole('tenants') || cluster.hasRole('management');
    const instanceRoles = cluster.hasRole('tenants') || cluster.hasRole('xaas');
    if (tenantRoles) {
      const names = new Set(options.kubeconfigSecretNames);
      this.namespaces = this.watch({
        resource: { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' },
        labelSelector: `${managed},${marks.isolation}`,
        project: ns => projectNamespace(ns, cluster.name, marks, live(ns)),
        summaries: 'tenant',
      });
      this.quotas = this.watch({
        resource: {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          plural: 'resourcequotas',
        },
        labelSelector: managed,
        project: quota => ({
          ...projectQuota(quota, marks),
          live: live(quota),
        }),
      });
      this.limitRanges = this.watch({
        resource: {
          apiVersion: 'v1',
          kind: 'LimitRange',
          plural: 'limitranges',
        },
        labelSelector: managed,
        project: range => ({ ...projectLimitRange(range), live: live(range) }),
      });
      this.networkPolicies = this.watch({
        resource: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          plural: 'networkpolicies',
        },
        labelSelector: managed,
        project: policy => ({
          ...projectNetworkPolicy(policy),
          live: live(policy),
        }),
      });
      // Workloads are the tenant's own, unlabelled: every namespace is watched and
      // reduced to phases and counts.
      this.pods = this.watch({
        resource: { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
        project: projectPod,
      });
      this.deployments = this.watch({
        resource: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          plural: 'deployments',
        },
        metadataOnly: true,
        project: () => true as const,
      });
      this.statefulSets = this.watch({
        resource: {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          plural: 'statefulsets',
        },
        metadataOnly: true,
        project: () => true as const,
      });
      this.events = this.watch({
        resource: { apiVersion: 'v1', kind: 'Event', plural: 'events' },
        project: projectEvent,
        perNamespace: { limit: EVENTS_PER_NAMESPACE, rank: e => e.at },
      });
      // Metadata only: whether a kubeconfig Secret exists, never what is in it.
      this.kubeconfigSecrets = this.watch({
        resource: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
        metadataOnly: true,
        project: secret => {
          const name = secret.metadata?.name ?? '';
          return name.endsWith('-kubeconfig') || names.has(name)
            ? (true as const)
            : undefined;
        },
      });
      for (const { apiVersion, kind } of options.policyKinds) {
        const key = `${apiVersion}/${kind}`;
        if (WATCHED_POLICY_KINDS.has(key) || this.optional.has(key)) continue;
        this.optional.set(key, {
          apiVersion,
          kind,
          labelSelector: managed,
          project: live,
          policy: true,
          misses: 0,
        });
      }
      for (const { apiVersion, kind } of [
        { apiVersion: options.clusterApiVersion, kind: 'Cluster' },
        ...options.claimKinds,
      ]) {
        this.optional.set(`${apiVersion}/${kind}`, {
          apiVersion,
          kind,
          labelSelector: managed,
          project: projectClusterObject,
          misses: 0,
        });
      }
    }
    this.instanceRoles = instanceRoles;
    if (instanceRoles) {
      for (const [key, kind] of this.instanceKinds(options.capabilities)) {
        this.optional.set(key, kind);
      }
    }
  }

  /** The main kind of every capability, to be watched for instances. */
  private instanceKinds(
    capabilities: LoadedCapability[],
  ): Map<string, OptionalKind> {
    const { cluster, marks } = this.options;
    const kinds = new Map<string, OptionalKind>();
    for (const [key, using] of mainKinds(capabilities)) {
      const [apiVersion, kind] = splitKey(key);
      kinds.set(key, {
        apiVersion,
        kind,
        labelSelector: `${marks.managedBy}=${MANAGED_BY_VALUE},${marks.capability}`,
        project: object => projectInstance(object, cluster.name, using, marks),
        instances: true,
        misses: 0,
      });
    }
    return kinds;
  }

  /**
   * Follows a change of the configured capabilities: the main kinds of the new set are
   * listed and watched with their readiness rules before the old ones are dropped, so
   * instances never vanish from the cache in between.
   */
  async useCapabilities(capabilities: LoadedCapability[]): Promise<void> {
    if (!this.instanceRoles || this.stopped) return;
    const fresh = this.instanceKinds(capabilities);
    const byApiVersion = new Map<string, Map<string, string>>();
    for (const kind of fresh.values()) {
      if (!byApiVersion.has(kind.apiVersion)) {
        byApiVersion.set(
          kind.apiVersion,
          await this.servedKinds(kind.apiVersion),
        );
      }
      const plural = byApiVersion.get(kind.apiVersion)!.get(kind.kind);
      if (plural) this.startOptional(kind, plural);
    }
    await Promise.all([...fresh.values()].map(k => k.watch?.whenListed()));
    const old = [...this.optional].filter(([, kind]) => kind.instances);
    for (const [key] of old) this.optional.delete(key);
    for (const [key, kind] of fresh) this.optional.set(key, kind);
    this.options = { ...this.options, capabilities };
    await Promise.all(old.map(([, kind]) => kind.watch?.stop()));
    this.options.onChange({ type: 'resync' });
  }

  get name(): string {
    return this.options.cluster.name;
  }

  start(): void {
    for (const watch of this.core) watch.start();
    this.firstDiscovery = this.discoverLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all([
      ...this.core.map(w => w.stop()),
      ...[...this.optional.values()].map(k => k.watch?.stop()),
    ]);
  }

  /** Resolves once every watch (and the first discovery) has tried to list. */
  async whenListed(): Promise<void> {
    await Promise.all(this.core.map(w => w.whenListed()));
    await this.firstDiscovery;
    await Promise.all(
      [...this.optional.values()].map(k => k.watch?.whenListed()),
    );
  }

  /** Whether every watch has listed successfully and the optional kinds were looked for. */
  hasSynced(): boolean {
    return (
      this.discovered &&
      this.core.every(w => w.hasSynced()) &&
      [...this.optional.values()].every(k => !k.watch || k.watch.hasSynced())
    );
  }

  /**
   * Whether every watch has listed and none is failing now (a cluster that cannot be
   * reached, or one coming back whose watches have not all listed again): only then is
   * an object absent here known to be gone.
   */
  inSync(): boolean {
    return this.hasSynced() && this.watches().every(w => !w.lastError);
  }

  /** Since when a watch has been failing, while one is (undefined when none is). */
  failingSince(): Date | undefined {
    let since: Date | undefined;
    for (const watch of this.watches()) {
      if (watch.failingSince && (!since || watch.failingSince < since)) {
        since = watch.failingSince;
      }
    }
    return since;
  }

  /** The watched Cluster API `Cluster` or claim `name` in `namespace`. */
  clusterObject(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): ClusterObjectProjection | undefined {
    return this.optional
      .get(`${apiVersion}/${kind}`)
      ?.watch?.get(namespace, name) as ClusterObjectProjection | undefined;
  }

  /**
   * The live policy object (to tell drift): `undefined` when it does not exist, `null`
   * when this cluster does not keep its kind (not a policy kind, or not served).
   */
  livePolicyObject(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): LivePolicyObject | undefined | null {
    const key = `${apiVersion}/${kind}`;
    const core: Record<
      string,
      KindWatch<{ live?: LivePolicyObject }> | undefined
    > = {
      'v1/ResourceQuota': this.quotas,
      'v1/LimitRange': this.limitRanges,
      'networking.k8s.io/v1/NetworkPolicy': this.networkPolicies,
    };
    if (key in core) {
      const watch = core[key];
      return watch?.hasSynced() ? watch.get(namespace, name)?.live : null;
    }
    const optional = this.optional.get(key);
    if (!optional?.policy || !optional.watch?.hasSynced()) return null;
    return optional.watch.get(namespace, name) as LivePolicyObject | undefined;
  }

  /** The main objects of every capability's instances on this cluster. */
  instances(): InstanceProjection[] {
    const found: InstanceProjection[] = [];
    for (const key of mainKinds(this.options.capabilities).keys()) {
      const watch = this.optional.get(key)?.watch;
      if (watch) found.push(...(watch.all() as InstanceProjection[]));
    }
    return found;
  }

  /** The main objects of the instances in `namespace`. */
  instancesIn(namespace: string): InstanceProjection[] {
    const found: InstanceProjection[] = [];
    for (const key of mainKinds(this.options.capabilities).keys()) {
      const watch = this.optional.get(key)?.watch;
      if (watch) {
        found.push(...(watch.inNamespace(namespace) as InstanceProjection[]));
      }
    }
    return found;
  }

  /** Every watch of this cluster that is running, e.g. to drop their connections in tests. */
  watches(): Array<KindWatch<unknown>> {
    return [
      ...this.core,
      ...[...this.optional.values()].flatMap(k => (k.watch ? [k.watch] : [])),
    ];
  }

  private watch<P>(spec: {
    resource: WatchedResource;
    labelSelector?: string;
    metadataOnly?: boolean;
    project(object: any): P | undefined;
    perNamespace?: { limit: number; rank(p: P): number };
    summaries?: 'tenant' | 'instance';
  }): KindWatch<P> {
    const { cluster, counter, logger } = this.options;
    const { summaries, ...watched } = spec;
    const watch = new KindWatch<P>({
      ...watched,
      description: `${spec.resource.kind}s on cluster '${cluster.name}'`,
      cluster,
      counter,
      logger,
      onChange: this.changeReporter(summaries),
    });
    this.core.push(watch as KindWatch<unknown>);
    return watch;
  }

  /**
   * Looks for the optional kinds: right away, then every minute (sooner while the API
   * server cannot be reached). A kind found is watched; a watched kind that discovery
   * twice in a row says is gone (its CRD deleted) is dropped.
   */
  private async discoverLoop(): Promise<void> {
    let failures = 0;
    const round = async () => {
      try {
        await this.discover();
        failures = 0;
        if (!this.discovered) {
          this.discovered = true;
          // hasSynced() may have just become true without any watch listing again (a
          // cluster that serves none of the optional kinds): say so, or a full mutation
          // waiting for every cluster to sync would wait for an unrelated change.
          this.options.onChange({ type: 'resync' });
        }
      } catch (error) {
        failures += 1;
        this.options.logger.warn(
          `Discovery on cluster '${this.name}' failed: ${
            (error as Error).message
          }`,
        );
      }
    };
    const schedule = () => {
      if (this.stopped) return;
      const delay =
        failures > 0
          ? backoffDelay(failures)
          : this.options.rediscoverMs ?? 60_000;
      this.timer = setTimeout(() => {
        round().then(schedule);
      }, delay);
      this.timer.unref?.();
    };
    await round();
    schedule();
  }

  /** The kinds `apiVersion` serves, with their plural names; none when the group is not served. */
  private async servedKinds(apiVersion: string): Promise<Map<string, string>> {
    const { cluster, counter } = this.options;
    counter.count('discovery');
    try {
      const list = await cluster.getJson<{
        resources?: Array<{ name: string; kind: string }>;
      }>(
        // The core group (`v1`) is served under /api, every other under /apis.
        apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`,
        {},
        { timeoutMs: DISCOVERY_TIMEOUT_MS },
      );
      return new Map(
        (list.resources ?? [])
          .filter(r => !r.name.includes('/'))
          .map(r => [r.kind, r.name]),
      );
    } catch (error) {
      if (!(error instanceof KubeApiError && error.code === 404)) throw error;
      return new Map();
    }
  }

  private async discover(): Promise<void> {
    const byGroupVersion = new Map<string, OptionalKind[]>();
    for (const kind of this.optional.values()) {
      const list = byGroupVersion.get(kind.apiVersion) ?? [];
      list.push(kind);
      byGroupVersion.set(kind.apiVersion, list);
    }
    await Promise.all(
      [...byGroupVersion].map(async ([apiVersion, kinds]) => {
        const served = await this.servedKinds(apiVersion);
        for (const kind of kinds) {
          const plural = served.get(kind.kind);
          if (plural) {
            kind.misses = 0;
            if (!kind.watch && !this.stopped) this.startOptional(kind, plural);
          } else if (kind.watch) {
            // An API server that is starting may not serve every CRD yet: only a
            // second miss a minute later drops what is cached.
            kind.misses += 1;
            if (kind.misses >= 2) {
              this.options.logger.info(
                `${kind.kind} (${kind.apiVersion}) is no longer served by cluster '${this.name}'; no longer watched`,
              );
              const watch = kind.watch;
              kind.watch = undefined;
              kind.misses = 0;
              await watch.stop();
              this.options.onChange({ type: 'resync' });
            }
          }
        }
      }),
    );
  }

  /** Tells the inventory of a watch's changes, with what they can change. */
  private changeReporter(
    summaries?: 'tenant' | 'instance',
  ): (change: KindWatchChange) => void {
    return change =>
      this.options.onChange(
        change.type === 'change' && summaries
          ? { ...change, summaries }
          : change,
      );
  }

  private startOptional(kind: OptionalKind, plural: string) {
    const { cluster, counter, logger } = this.options;
    kind.watch = new KindWatch<unknown>({
      description: `${kind.kind}s (${kind.apiVersion}) on cluster '${cluster.name}'`,
      cluster,
      resource: { apiVersion: kind.apiVersion, kind: kind.kind, plural },
      labelSelector: kind.labelSelector,
      project: kind.project,
      counter,
      logger,
      onChange: this.changeReporter(kind.instances ? 'instance' : undefined),
    });
    kind.watch.start();
  }
}

/** The capabilities by the `apiVersion/kind` of their main (readiness) object. */
function mainKinds(
  capabilities: LoadedCapability[],
): Map<string, LoadedCapability[]> {
  const kinds = new Map<string, LoadedCapability[]>();
  for (const loaded of capabilities) {
    const { objects, readiness } = loaded.capability;
    const main = objects[readiness.object ?? 0];
    const key = `${main.apiVersion}/${main.kind}`;
    kinds.set(key, [...(kinds.get(key) ?? []), loaded]);
  }
  return kinds;
}

function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
