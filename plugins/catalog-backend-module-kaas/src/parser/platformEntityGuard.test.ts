import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { platformEntityGuardParser } from './platformEntityGuard';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

async function parse(yaml: string, tenants: string[] = []) {
  const results: CatalogProcessorResult[] = [];
  const parser = platformEntityGuardParser({
    isPlatformEntityName: name => tenants.includes(name),
  });
  for await (const r of parser({ data: Buffer.from(yaml), location })) {
    results.push(r);
  }
  return results;
}

const resource = (name: string, type: string, namespace?: string) =>
  JSON.stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { type, owner: 'team-b' },
  });

describe('platformEntityGuardParser', () => {
  it('refuses tenant and instance types, naming the entity and what to do', async () => {
    const results = await parse(
      [
        resource('t1', 'kubernetes-tenant'),
        resource('t1.db', 'xaas-postgresql'),
      ].join('\n---\n'),
    );
    expect(results.map(r => r.type)).toEqual(['error', 'error']);
    expect((results[0] as any).error.message).toMatch(
      /Resource 't1' of type 'kubernetes-tenant' in url:https:\/\/example.com\/catalog-info.yaml is refused: only the kaas entity provider/,
    );
  });

  it("refuses any Resource under a tenant's or instance's name, in the default namespace only", async () => {
    const results = await parse(
      [
        resource('shop', 'database'),
        resource('shop', 'database', 'other'),
        resource('shop-db', 'database'),
      ].join('\n---\n'),
      ['shop'],
    );
    expect(results.map(r => r.type)).toEqual(['error', 'entity', 'entity']);
    expect((results[0] as any).error.message).toMatch(
      /resource:default\/shop is a tenant or XaaS instance of the platform/,
    );
  });

  it('passes every other entity through as the default parser would', async () => {
    const results = await parse(
      JSON.stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'shop' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-b' },
      }),
      ['shop'],
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      type: 'entity',
      entity: { kind: 'Component' },
    });
  });
});
