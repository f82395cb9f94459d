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

/** Client of the kaas backend, /api/kaas. @public */
export interface KaasApi {
  listClusters(): Promise<KaasClusterInfo[]>;
  listProfiles(): Promise<KaasProfileInfo[]>;
  /** Tenants; `mine` keeps those owned by the signed-in user's groups. */
  listTenants(options?: {
    mine?: boolean;
    owner?: string;
  }): Promise<KaasTenantInfo[]>;
  listCapabilities(): Promise<KaasCapabilityInfo[]>;
}

/** @public */
export const kaasApiRef = createApiRef<KaasApi>({ id: 'plugin.kaas.api' });
