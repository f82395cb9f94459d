import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CapabilityInfo,
  ClusterInfo,
  ConnectionDetails,
  InstanceCredentials,
  InstanceOperationsInfo,
  InstanceStatus,
  IssuedKubeconfig,
  KubeconfigIssuance,
  KubeconfigOptions,
  KubeconfigRequest,
  OperatorHealth,
  ProfileInfo,
  TenantRepairResult,
  TenantStatus,
  TenantSummary,
} from '@kaas-platform/plugin-kaas-common';

/** Client of the kaas backend, /api/kaas. Errors are `ResponseError`s. @public */
export interface KaasApi {
  listClusters(): Promise<ClusterInfo[]>;
  listProfiles(): Promise<ProfileInfo[]>;
  /** Tenants; `mine` keeps those owned by the signed-in user's groups. */
  listTenants(options?: {
    mine?: boolean;
    owner?: string;
  }): Promise<TenantSummary[]>;
  listCapabilities(): Promise<CapabilityInfo[]>;
  /** Each capability's operator and CRD versions per cluster; platform admins only (403 else). */
  getOperatorHealth(): Promise<OperatorHealth[]>;
  getTenantStatus(tenant: string): Promise<TenantStatus>;
  /**
   * Re-applies today's policy to a drifted tenant (owners and platform admins); with
   * `dryRun`, only lists what would be put back.
   */
  repairTenant(
    tenant: string,
    options?: { dryRun?: boolean },
  ): Promise<TenantRepairResult>;
  listTenantInstances(tenant: string): Promise<InstanceStatus[]>;
  getInstance(tenant: string, instance: string): Promise<InstanceStatus>;
  getConnection(tenant: string, instance: string): Promise<ConnectionDetails>;
  /** The day-2 operations of the instance's capability (whether the caller may run each) and their history. */
  getInstanceOperations(
    tenant: string,
    instance: string,
  ): Promise<InstanceOperationsInfo>;
  /** Every value of the instance's connection Secret; audited, owners and platform admins only. */
  readCredentials(
    tenant: string,
    instance: string,
  ): Promise<InstanceCredentials>;
  /** Audited, owners and platform admins only. `ttlSeconds` applies to token mode. */
  issueKubeconfig(
    tenant: string,
    request: KubeconfigRequest,
  ): Promise<IssuedKubeconfig>;
  listKubeconfigs(tenant: string): Promise<KubeconfigIssuance[]>;
  /** Revokes every token-mode kubeconfig of the tenant; resolves to how many. */
  revokeKubeconfigs(tenant: string): Promise<{ revoked: number }>;
  getKubeconfigOptions(): Promise<KubeconfigOptions>;
}

/** @public */
export const kaasApiRef = createApiRef<KaasApi>({ id: 'plugin.kaas.api' });
