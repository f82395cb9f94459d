import { createApiRef } from '@backstage/core-plugin-api';

/** A configured cluster as the backend shows it (never credentials). @public */
export interface KaasClusterInfo {
  name: string;
  title: string;
  roles: Array<'tenants' | 'management' | 'xaas'>;
}

/** A tenant profile: a named bundle of quotas and policy. @public */
export interface KaasProfileInfo {
  name: string;
  title: string;
  description?: string;
  /** Isolation levels the profile can serve. */
  isolations: Array<'namespace' | 'vcluster' | 'cluster'>;
  /** ResourceQuota hard limits, e.g. `{ pods: '20' }`. */
  quota: Record<string, string>;
}

/** A tenant as the clusters describe it. @public */
export interface KaasTenantInfo {
  name: string;
  namespace: string;
  cluster: string;
  isolation: 'namespace' | 'vcluster' | 'cluster';
  owner: string;
  profile: string;
  createdAt: string;
}

/** A plan of a capability: a named size that fills its parameters. @public */
export interface KaasPlanInfo {
  name: string;
  title: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** An XaaS offering. @public */
export interface KaasCapabilityInfo {
  id: string;
  title: string;
  description?: string;
  owner: string;
  plans: KaasPlanInfo[];
  /** JSON Schema of what a developer may set. */
  parameters: Record<string, unknown>;
}

/** How a kubeconfig authenticates: a short-lived token, the user's OIDC login, or the cluster's own. @public */
export type KaasKubeconfigMode = 'token' | 'oidc' | 'cluster';

/** A Kubernetes-style condition (`status` is `True`, `False` or `Unknown`). @public */
export interface KaasCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One resource of a ResourceQuota: what is used of what is allowed. @public */
export interface KaasQuotaResource {
  resource: string;
  used: string;
  hard: string;
  /** used / hard, 0 when hard is 0 or not a quantity. */
  fraction: number;
}

/** One item of a LimitRange. @public */
export interface KaasLimitRangeItem {
  type: string;
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
  max?: Record<string, string>;
  min?: Record<string, string>;
}

/** A recent Kubernetes event in a tenant's namespace. @public */
export interface KaasEvent {
  type: string;
  reason: string;
  message: string;
  /** `Kind/name` of the object the event is about. */
  object: string;
  count: number;
  lastSeen: string;
}

/** The live status of a tenant: `GET /tenants/:tenant`. @public */
export interface KaasTenantStatus extends KaasTenantInfo {
  /** `resource:default/<tenant>` */
  entityRef: string;
  description?: string;
  phase: 'Ready' | 'Provisioning' | 'Terminating';
  ready: boolean;
  conditions: Array<{
    type: string;
    status: 'True' | 'False';
    reason?: string;
    message: string;
  }>;
  quotas: Array<{ name: string; resources: KaasQuotaResource[] }>;
  limitRanges: Array<{ name: string; limits: KaasLimitRangeItem[] }>;
  networkPolicies: Array<{ name: string; policyTypes: string[] }>;
  workloads: {
    pods: number;
    podsRunning: number;
    deployments: number;
    statefulSets: number;
  };
  /** Newest first, at most 20; empty when {@link KaasTenantStatus.eventsHidden}. */
  events: KaasEvent[];
  /** The events are the owner group's and platform admins' to see (`kaas.visibility.events`). */
  eventsHidden?: boolean;
  /** The Cluster API `Cluster` (or claim) of a vcluster or cluster tenant. */
  clusterObject?: {
    apiVersion: string;
    kind: string;
    name: string;
    phase?: string;
    conditions: KaasCondition[];
  };
  /** The kubeconfig modes this tenant offers. */
  kubeconfigModes: KaasKubeconfigMode[];
  /** ISO time of the last change the backend saw for this tenant. */
  observedAt: string;
}

/** One XaaS instance as its request describes it. @public */
export interface KaasInstanceInfo {
  tenant: string;
  name: string;
  capability: string;
  plan: string;
  owner: string;
  cluster: string;
  namespace: string;
  /** The parameters the request set (without the plan's). */
  parameters: Record<string, unknown>;
  createdAt: string;
}

/** The live status of an instance: `GET /tenants/:tenant/instances/:instance`. @public */
export interface KaasInstanceStatus extends KaasInstanceInfo {
  /** `resource:default/<tenant>.<instance>` */
  entityRef: string;
  /** The capability's title. */
  title: string;
  ready: boolean;
  /** What the readiness rule saw. */
  message: string;
  phase?: string;
  conditions: KaasCondition[];
  /** Where the connection details live; never values. */
  connection: {
    secretName: string;
    host?: string;
    port?: number;
    showKeys: string[];
  };
}

/** How to reach an instance: `GET .../connection`. Secret values only of the keys declared safe to show. @public */
export interface KaasConnectionDetails {
  host?: string;
  port?: number;
  /** Empty when the capability declares no Secret. */
  secretName: string;
  shownValues: Record<string, string>;
  /** Names (only) of the Secret's other keys. */
  hiddenKeys: string[];
}

/** Every value of an instance's connection Secret: `POST .../credentials`. @public */
export interface KaasInstanceCredentials {
  secretName: string;
  values: Record<string, string>;
}

/** A kubeconfig just issued: `POST /tenants/:tenant/kubeconfig`. @public */
export interface KaasIssuedKubeconfig {
  tenant: string;
  cluster: string;
  namespace: string;
  context: string;
  mode: KaasKubeconfigMode;
  /** `<tenant>.kubeconfig` */
  filename: string;
  /** The kubeconfig as YAML. */
  kubeconfig: string;
  /** Token mode only. */
  expiresAt?: string;
  /** Token mode only. */
  issuanceId?: string;
  /** A first command to try, e.g. `kubectl --kubeconfig t.kubeconfig get pods`. */
  kubectl: string;
}

/** A token-mode kubeconfig issued earlier and not yet expired or revoked. @public */
export interface KaasKubeconfigIssuance {
  id: string;
  /** User entity ref. */
  issuedTo: string;
  issuedAt: string;
  expiresAt: string;
  mode: 'token';
}

/** What kubeconfigs the backend can issue: `GET /kubeconfig-options`. @public */
export interface KaasKubeconfigOptions {
  modes: KaasKubeconfigMode[];
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  minTtlSeconds: number;
}

/** Client of the kaas backend, /api/kaas. Errors are `ResponseError`s. @public */
export interface KaasApi {
  listClusters(): Promise<KaasClusterInfo[]>;
  listProfiles(): Promise<KaasProfileInfo[]>;
  /** Tenants; `mine` keeps those owned by the signed-in user's groups. */
  listTenants(options?: {
    mine?: boolean;
    owner?: string;
  }): Promise<KaasTenantInfo[]>;
  listCapabilities(): Promise<KaasCapabilityInfo[]>;
  getTenantStatus(tenant: string): Promise<KaasTenantStatus>;
  listTenantInstances(tenant: string): Promise<KaasInstanceStatus[]>;
  getInstance(tenant: string, instance: string): Promise<KaasInstanceStatus>;
  getConnection(
    tenant: string,
    instance: string,
  ): Promise<KaasConnectionDetails>;
  /** Every value of the instance's connection Secret; audited, owners and platform admins only. */
  readCredentials(
    tenant: string,
    instance: string,
  ): Promise<KaasInstanceCredentials>;
  /** Audited, owners and platform admins only. `ttlSeconds` applies to token mode. */
  issueKubeconfig(
    tenant: string,
    request: { mode: KaasKubeconfigMode; ttlSeconds?: number },
  ): Promise<KaasIssuedKubeconfig>;
  listKubeconfigs(tenant: string): Promise<KaasKubeconfigIssuance[]>;
  /** Revokes every token-mode kubeconfig of the tenant; resolves to how many. */
  revokeKubeconfigs(tenant: string): Promise<{ revoked: number }>;
  getKubeconfigOptions(): Promise<KaasKubeconfigOptions>;
}

/** @public */
export const kaasApiRef = createApiRef<KaasApi>({ id: 'plugin.kaas.api' });
