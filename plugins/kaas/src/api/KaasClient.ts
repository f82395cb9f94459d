import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CapabilityInfo,
  ClusterInfo,
  ConnectionDetails,
  InstanceCredentials,
  InstanceOperationsInfo,
  InstanceStatus,
  IssuedKubeconfig,
  KubeconfigIssuance,
  KubeconfigMode,
  KubeconfigOptions,
  OperatorHealth,
  ProfileInfo,
  TenantRepairResult,
  TenantStatus,
  TenantSummary,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasApi } from './KaasApi';

/** Calls the kaas backend with the signed-in user's token. @public */
export class KaasClient implements KaasApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async listClusters(): Promise<ClusterInfo[]> {
    return (await this.request<{ items: ClusterInfo[] }>('/clusters')).items;
  }

  async listProfiles(): Promise<ProfileInfo[]> {
    return (await this.request<{ items: ProfileInfo[] }>('/profiles')).items;
  }

  async listTenants(
    options: { mine?: boolean; owner?: string } = {},
  ): Promise<TenantSummary[]> {
    const query = new URLSearchParams();
    if (options.mine) query.set('mine', 'true');
    if (options.owner) query.set('owner', options.owner);
    const suffix = query.size ? `?${query}` : '';
    return (await this.request<{ items: TenantSummary[] }>(`/tenants${suffix}`))
      .items;
  }

  async listCapabilities(): Promise<CapabilityInfo[]> {
    return (await this.request<{ items: CapabilityInfo[] }>('/capabilities'))
      .items;
  }

  async getOperatorHealth(): Promise<OperatorHealth[]> {
    return (await this.request<{ items: OperatorHealth[] }>('/operator-health'))
      .items;
  }

  async getTenantStatus(tenant: string): Promise<TenantStatus> {
    return this.request(tenantPath(tenant));
  }

  async repairTenant(
    tenant: string,
    options: { dryRun?: boolean } = {},
  ): Promise<TenantRepairResult> {
    return this.request(`${tenantPath(tenant)}/repair`, {
      method: 'POST',
      body: { dryRun: options.dryRun ?? false },
    });
  }

  async listTenantInstances(tenant: string): Promise<InstanceStatus[]> {
    return (
      await this.request<{ items: InstanceStatus[] }>(
        `${tenantPath(tenant)}/instances`,
      )
    ).items;
  }

  async getInstance(tenant: string, instance: string): Promise<InstanceStatus> {
    return this.request(instancePath(tenant, instance));
  }

  async getConnection(
    tenant: string,
    instance: string,
  ): Promise<ConnectionDetails> {
    return this.request(`${instancePath(tenant, instance)}/connection`);
  }

  async getInstanceOperations(
    tenant: string,
    instance: string,
  ): Promise<InstanceOperationsInfo> {
    return this.request(`${instancePath(tenant, instance)}/operations`);
  }

  async readCredentials(
    tenant: string,
    instance: string,
  ): Promise<InstanceCredentials> {
    return this.request(`${instancePath(tenant, instance)}/credentials`, {
      method: 'POST',
    });
  }

  async issueKubeconfig(
    tenant: string,
    request: { mode: KubeconfigMode; ttlSeconds?: number },
  ): Promise<IssuedKubeconfig> {
    return this.request(`${tenantPath(tenant)}/kubeconfig`, {
      method: 'POST',
      body: request,
    });
  }

  async listKubeconfigs(tenant: string): Promise<KubeconfigIssuance[]> {
    return (
      await this.request<{ items: KubeconfigIssuance[] }>(
        `${tenantPath(tenant)}/kubeconfigs`,
      )
    ).items;
  }

  async revokeKubeconfigs(tenant: string): Promise<{ revoked: number }> {
    return this.request(`${tenantPath(tenant)}/kubeconfigs`, {
      method: 'DELETE',
    });
  }

  async getKubeconfigOptions(): Promise<KubeconfigOptions> {
    return this.request('/kubeconfig-options');
  }

  private async request<T>(
    path: string,
    init: { method?: 'POST' | 'DELETE'; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('kaas');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined && {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(init.body),
      }),
    });
    if (!response.ok) {
      // Keeps the backend's message (e.g. a permission refusal) in `cause` for the page.
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function tenantPath(tenant: string): string {
  return `/tenants/${encodeURIComponent(tenant)}`;
}

function instancePath(tenant: string, instance: string): string {
  return `${tenantPath(tenant)}/instances/${encodeURIComponent(instance)}`;
}
