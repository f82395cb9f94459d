/**
 * The tenant bodies of the REST API (docs/tenant-pages-contracts.md): what the inventory
 * serves and the tenant pages show.
 */
import type { KubeconfigMode } from './kubeconfig';
import type { TenantIsolation } from './tenantRequest';

/** A tenant as its home namespace's marks describe it: an item of `GET /tenants`. @public */
export interface TenantSummary {
  name: string;
  namespace: string;
  cluster: string;
  isolation: TenantIsolation;
  owner: string;
  profile: string;
  /** ISO timestamp of the home namespace's creation. */
  createdAt: string;
  /** What the tenant is for, as its request said (`kaas.internal/description`). */
  description?: string;
}

/** A Kubernetes-style condition as an operator reports it (`status` is `True`, `False` or `Unknown`). @public */
export interface ObjectCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One quota resource of a tenant: what is used of what is allowed. @public */
export interface QuotaUsage {
  resource: string;
  used: string;
  hard: string;
  /** used / hard, 0 when either is unknown or hard is 0. */
  fraction: number;
}

/** One item of a tenant's LimitRange. @public */
export interface LimitRangeItem {
  type: string;
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
  max?: Record<string, string>;
  min?: Record<string, string>;
}

/** A recent Kubernetes event in a tenant's namespace. @public */
export interface TenantEvent {
  type: string;
  reason: string;
  message: string;
  /** `Kind/name` of the object the event is about. */
  object: string;
  count: number;
  lastSeen: string;
}

/** `GET /tenants/:tenant`: what the tenant page shows, from the backend's informer cache. @public */
export interface TenantStatus extends TenantSummary {
  /** `resource:default/<tenant>` */
  entityRef: string;
  phase: 'Ready' | 'Provisioning' | 'Terminating';
  ready: boolean;
  /** The readiness checks, as `TenantService.readiness` reports them. */
  conditions: Array<{
    type: string;
    status: 'True' | 'False';
    reason?: string;
    message: string;
  }>;
  quotas: Array<{ name: string; resources: QuotaUsage[] }>;
  limitRanges: Array<{ name: string; limits: LimitRangeItem[] }>;
  networkPolicies: Array<{ name: string; policyTypes: string[] }>;
  workloads: {
    pods: number;
    podsRunning: number;
    deployments: number;
    statefulSets: number;
  };
  /**
   * Whether the REST API left the events out for this caller (`kaas.visibility.events`:
   * the owner group's members and platform admins only); `events` is then empty.
   */
  eventsHidden?: boolean;
  /** Newest first, at most 20. */
  events: TenantEvent[];
  /** The Cluster API `Cluster` or Crossplane claim of a vcluster/cluster tenant. */
  clusterObject?: {
    apiVersion: string;
    kind: string;
    name: string;
    phase?: string;
    conditions: ObjectCondition[];
  };
  /** Modes this tenant offers: namespace → token (+ oidc when configured); vcluster/cluster → cluster. */
  kubeconfigModes: KubeconfigMode[];
  /** Whether the tenant's policy objects are still what today's policy renders. */
  drift: TenantDrift;
  /** ISO time of the last change the cache saw for this tenant. */
  observedAt: string;
  /**
   * ISO time since which the tenant's cluster cannot be read (unreachable, or failing
   * requests), while it cannot: the rest is the status as last seen.
   */
  staleSince?: string;
}

/** One field of a policy object whose live value is not what the policy renders. @public */
export interface DriftedField {
  /** Dotted path, e.g. `spec.hard.pods`. */
  path: string;
  /** The live value (JSON); absent when the field was removed. */
  live?: string;
  /** What today's policy renders (JSON). */
  policy: string;
}

/** A policy object of a tenant that differs from what today's policy renders for it. @public */
export interface DriftedObject {
  /** `Kind namespace/name`, as the task log names objects. */
  object: string;
  /** `deleted`: the object is gone; `changed`: fields differ (listed). */
  state: 'changed' | 'deleted';
  fields: DriftedField[];
  /**
   * Field managers other than the platform's that wrote to the object (`kubectl-edit`,
   * `kubectl-client-side-apply`, ...): a hand edit. Empty when only the platform wrote it,
   * i.e. the policy itself changed since the object was applied (a rollout brings it up to date).
   */
  editedBy: string[];
}

/**
 * The `Drifted` condition of a tenant: its live policy objects (home namespace labels,
 * quota, limits, baseline objects) compared with what today's policy renders for its
 * recorded request. Objects the tenant created itself (without the platform's marks) are
 * never drift. @public
 */
export interface TenantDrift {
  type: 'Drifted';
  /** `True` drifted, `False` as the policy renders, `Unknown` not judged (reason says why). */
  status: 'True' | 'False' | 'Unknown';
  reason: 'EditedByHand' | 'PolicyChanged' | 'AsRendered' | 'NotJudged';
  message: string;
  objects: DriftedObject[];
}

/** `POST /tenants/:tenant/repair`: each field put back (in a dry run: that would be). @public */
export interface TenantRepairResult {
  tenant: string;
  dryRun: boolean;
  changes: Array<{
    /** `Kind namespace/name`. */
    object: string;
    /** Dotted path of the field; empty for an object that is created again. */
    path: string;
    /** The live value (JSON), absent when not set. */
    from?: string;
    /** The value put back (JSON), or `created`. */
    to: string;
  }>;
}
