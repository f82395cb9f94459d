import { ResponseError } from '@backstage/errors';
import { KaasClient } from './KaasClient';

function clientAnswering(status: number, body: unknown) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const client = new KaasClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/kaas' },
    fetchApi: {
      fetch: async (url: any, init?: RequestInit) => {
        calls.push({ url: String(url), init });
        return new Response(JSON.stringify(body), {
          status,
          statusText: status === 403 ? 'Forbidden' : 'OK',
          headers: { 'Content-Type': 'application/json' },
        });
      },
    },
  });
  return { client, calls };
}

describe('KaasClient', () => {
  it('reads a tenant status and its instances from the tenant routes', async () => {
    const { client, calls } = clientAnswering(200, { items: [] });
    await client.getTenantStatus('team-a-dev');
    await client.listTenantInstances('team-a-dev');
    await client.getInstance('team-a-dev', 'db');
    await client.getConnection('team-a-dev', 'db');
    await client.getInstanceOperations('team-a-dev', 'db');
    await client.listKubeconfigs('team-a-dev');
    await client.getKubeconfigOptions();
    expect(calls.map(c => `${c.init?.method} ${c.url}`)).toEqual([
      'GET http://backend/api/kaas/tenants/team-a-dev',
      'GET http://backend/api/kaas/tenants/team-a-dev/instances',
      'GET http://backend/api/kaas/tenants/team-a-dev/instances/db',
      'GET http://backend/api/kaas/tenants/team-a-dev/instances/db/connection',
      'GET http://backend/api/kaas/tenants/team-a-dev/instances/db/operations',
      'GET http://backend/api/kaas/tenants/team-a-dev/kubeconfigs',
      'GET http://backend/api/kaas/kubeconfig-options',
    ]);
  });

  it('posts kubeconfig requests as JSON and reads credentials and revokes with their verbs', async () => {
    const { client, calls } = clientAnswering(200, { revoked: 2 });
    await client.issueKubeconfig('team-a-dev', {
      mode: 'token',
      ttlSeconds: 3600,
    });
    await client.readCredentials('team-a-dev', 'db');
    expect(await client.revokeKubeconfigs('team-a-dev')).toEqual({
      revoked: 2,
    });
    expect(calls[0].init?.method).toBe('POST');
    expect(calls[0].url).toBe(
      'http://backend/api/kaas/tenants/team-a-dev/kubeconfig',
    );
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({
      mode: 'token',
      ttlSeconds: 3600,
    });
    expect(
      (calls[0].init?.headers as Record<string, string>)['Content-Type'],
    ).toBe('application/json');
    expect(`${calls[1].init?.method} ${calls[1].url}`).toBe(
      'POST http://backend/api/kaas/tenants/team-a-dev/instances/db/credentials',
    );
    expect(`${calls[2].init?.method} ${calls[2].url}`).toBe(
      'DELETE http://backend/api/kaas/tenants/team-a-dev/kubeconfigs',
    );
  });

  it('throws a ResponseError that carries the backend refusal', async () => {
    const { client } = clientAnswering(403, {
      error: {
        name: 'NotAllowedError',
        message:
          'Only members of group:default/team-a and platform admins may download a kubeconfig',
      },
      response: { statusCode: 403 },
    });
    const error = await client
      .issueKubeconfig('team-a-dev', { mode: 'token' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toMatch(
      /Only members of group:default\/team-a/,
    );
  });
});
