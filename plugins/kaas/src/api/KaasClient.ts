import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KaasApi, KaasClusterInfo, KaasProfileInfo } from './KaasApi';

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

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('kaas');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
