import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  KaasApi,
  KaasCapabilityInfo,
  KaasClusterInfo,
  KaasProfileInfo,
  KaasTenantInfo,
} from './KaasApi';

/** Calls the kaas backend with the signed-in user's token. @public */
export class KaasClient implements KaasApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async listClusters(): Promise<KaasClusterInfo[]> {
    return (await this.get<{ items: KaasClusterInfo[] }>('/clusters')).items;
  }

  async listProfiles(): Promise<KaasProfileInfo[]> {
    return (await this.get<{ items: KaasProfileInfo[] }>('/profiles')).items;
  }

  async listTenants(
    options: { mine?: boolean; owner?: string } = {},
  ): Promise<KaasTenantInfo[]> {
    const query = new URLSearchParams();
    if (options.mine) query.set('mine', 'true');
    if (options.owner) query.set('owner', options.owner);
    const suffix = query.size ? `?${query}` : '';
    return (await this.get<{ items: KaasTenantInfo[] }>(`/tenants${suffix}`))
      .items;
  }

  async listCapabilities(): Promise<KaasCapabilityInfo[]> {
    return (await this.get<{ items: KaasCapabilityInfo[] }>('/capabilities'))
      .items;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('kaas');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
