/**
 * The tenant and instance bodies of the REST API (docs/tenant-pages-contracts.md): what
 * the inventory serves and the tenant pages show.
 */
import type { KubeconfigMode } from '@internal/plugin-kaas-common';
import type { InstanceSummary } from '../instances/instanceSummary';
import type { TenantSummary } from '../tenants/tenantSummary';

/** A Kubernetes-style condition as an operator reports it. @public */
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

/** What the tenant page shows about a tenant, from the backend's informer cache. @public */
export interface TenantStatus extends TenantSummary {
  /** `resource:default/<tenant>` */
  entityRef: string;
  description?: string;
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
  limitRanges: Array<{
    name: string;
    limits: Array<{
      type: string;
      default?: Record<string, string>;
      defaultRequest?: Record<string, string>;
      max?: Record<string, string>;
      min?: Record<string, string>;
    }>;
  }>;
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
  events: Array<{
    type: string;
    reason: string;
    message: string;
    /** `Kind/name` of the object the event is about. */
    object: string;
    count: number;
    lastSeen: string;
  }>;
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
  /** ISO time of the last change the cache saw for this tenant. */
  observedAt: string;
}

/** What the instance page shows about an instance, from the backend's informer cache. @public */
export interface InstanceStatus extends InstanceSummary {
  /** `resource:default/<tenant>.<name>` */
  entityRef: string;
  /** The capability's title. */
  title: string;
  ready: boolean;
  /** What the capability's readiness rule saw. */
  message: string;
  /** `status.phase` when the object has one. */
  phase?: string;
  conditions: ObjectCondition[];
  /** Where the connection details are; never their values. */
  connection: {
    secretName: string;
    host?: string;
    port?: number;
    showKeys: string[];
  };
}
