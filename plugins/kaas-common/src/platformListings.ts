/**
 * The items of `GET /clusters`, `GET /profiles` and `GET /capabilities`: what the pickers
 * offer. Never credentials, object templates or connection rules.
 */
import type { ClusterRole } from './clusterRoles';
import type { TenantIsolation } from './tenantRequest';

/** A configured cluster as the backend shows it (never credentials). @public */
export interface ClusterInfo {
  name: string;
  title: string;
  roles: ClusterRole[];
}

/** A tenant profile: a named bundle of quotas and policy. @public */
export interface ProfileInfo {
  name: string;
  title: string;
  description?: string;
  /** Isolation levels the profile can serve. */
  isolations: TenantIsolation[];
  /** ResourceQuota hard limits, e.g. `{ pods: '20' }`. */
  quota: Record<string, string>;
}

/** A plan of a capability: a named size that fills its parameters. @public */
export interface PlanInfo {
  name: string;
  title: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** An XaaS offering. @public */
export interface CapabilityInfo {
  id: string;
  title: string;
  description?: string;
  /** Catalog ref of the capability team; absent when `kaas.capabilities.<id>.owner` is. */
  owner?: string;
  plans: PlanInfo[];
  /** JSON Schema of what a developer may set. */
  parameters: Record<string, unknown>;
  /**
   * What stops new instances now, in words (the operator's Deployment missing or without a
   * ready replica, a CRD version not served), each naming the cluster and who runs the
   * capability; absent when nothing is seen.
   */
  operatorProblems?: string[];
}
