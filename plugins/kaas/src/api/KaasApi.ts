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

/** Client of the kaas backend, /api/kaas. @public */
export interface KaasApi {
  listClusters(): Promise<KaasClusterInfo[]>;
  listProfiles(): Promise<KaasProfileInfo[]>;
}

/** @public */
export const kaasApiRef = createApiRef<KaasApi>({ id: 'plugin.kaas.api' });
