import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { REDIS, repoKaas } from '../__testUtils__/configuredCapabilities';
import { RecordingConnection } from '../__testUtils__/providerTestEnvironment';
import { KaasTemplateProvider } from './KaasTemplateProvider';

const handWritten = (
  name: string,
  annotations: Record<string, string>,
  type = 'service',
): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, annotations },
  spec: { type, steps: [] },
});

function providerWith(
  catalogEntities: Entity[],
  catalog = catalogServiceMock({ entities: catalogEntities }),
) {
  const kaas = repoKaas();
  const data = (capabilities: Record<string, any>): any => ({
    app: { baseUrl: 'http://localhost:3000' },
    kaas: { ...kaas, capabilities },
  });
  const config = mockServices.rootConfig({
    data: data({ ...kaas.capabilities, redis: REDIS }),
  });
  const logger = mockServices.logger.mock();
  const provider = new KaasTemplateProvider({
    config,
    catalog,
    auth: mockServices.auth(),
    logger,
    firstPublishWaitMs: 1500,
  });
  const connection = new RecordingConnection();
  const names = () =>
    [...connection.entities.keys()].filter(r => r.startsWith('template:'));
  return { kaas, data, config, logger, provider, connection, names };
}

describe('KaasTemplateProvider', () => {
  it('steps aside for the hand-written templates the catalog holds, by annotation or spec.type', async () => {
    const { provider, connection, names } = providerWith([
      handWritten('my-redis', { 'kaas.internal/capability': 'redis' }),
      handWritten('my-vclusters', {}, 'kubernetes-tenant-vcluster'),
      // Orphans and the provider's own templates replace nothing.
      handWritten('old-kafka', { 'backstage.io/orphan': 'true' }, 'xaas-kafka'),
      // An operation's template, by annotation and by its spec.type.
      handWritten('my-backup', {
        'kaas.internal/operation': 'postgresql/backup',
      }),
      handWritten('my-schedule', {}, 'xaas-postgresql-op-backup-schedule'),
    ]);
    await provider.connect(connection);
    await provider.settled();
    // The first full mutation already leaves them out: it waited for the catalog's answer.
    expect(connection.count('full')).toBe(1);
    expect(names().sort()).toEqual([
      'template:default/kubernetes-tenant-cluster',
      'template:default/kubernetes-tenant-namespace',
      'template:default/xaas-kafka',
      'template:default/xaas-mysql',
      'template:default/xaas-postgresql',
      'template:default/xaas-vitess',
    ]);
    // The capability entity stays: only templates step aside.
    expect(
      connection.entity('resource:default/xaas-capability-redis'),
    ).toBeDefined();
  });

  it('publishes without knowing the overrides once the catalog has not answered in time', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn().mockRejectedValue(new Error('ECONNREFUSED')),
    });
    const { provider, connection, names } = providerWith([], catalog);
    await provider.connect(connection);
    expect(connection.count('full')).toBe(0);
    await provider.settled();
    expect(catalog.getEntities).toHaveBeenCalledTimes(2);
    expect(names()).toContain('template:default/xaas-postgresql');
  });

  it("steps aside for an operation's template the parser reads from a location, and refreshes that location until the catalog holds it", async () => {
    const { provider, connection, names } = providerWith([]);
    await provider.connect(connection);
    await provider.settled();
    const location = { type: 'url', target: 'http://example.test/backup.yaml' };
    provider.noteParsed(
      handWritten('xaas-postgresql-op-backup', {}, 'xaas-postgresql-op-backup'),
      location,
    );
    await provider.settled();
    expect(names()).not.toContain('template:default/xaas-postgresql-op-backup');
    expect(names()).toContain(
      'template:default/xaas-postgresql-op-backup-schedule',
    );
    expect(connection.refreshes).toEqual([
      ['url:http://example.test/backup.yaml'],
    ]);
    // The catalog does not hold it yet: the next check asks for the location again.
    await provider.checkOverrides();
    expect(connection.refreshes).toHaveLength(2);
    expect(names()).not.toContain('template:default/xaas-postgresql-op-backup');
  });

  it('follows config changes, and keeps the last good set when the new config is invalid', async () => {
    const { kaas, data, config, logger, provider, connection, names } =
      providerWith([]);
    await provider.connect(connection);
    await provider.settled();
    expect(names()).toContain(
      'template:default/xaas-postgresql-op-backup-schedule',
    );
    // An operation removed from config takes its template along.
    const { 'backup-schedule': _removed, ...operations } =
      kaas.capabilities.postgresql.operations;
    config.update({
      data: data({
        postgresql: { ...kaas.capabilities.postgresql, operations },
      }),
    });
    await provider.settled();
    expect(names().filter(n => n.includes('xaas-'))).toEqual([
      'template:default/xaas-postgresql',
      'template:default/xaas-postgresql-op-backup',
    ]);
    const backup = connection.entity(
      'template:default/xaas-postgresql-op-backup',
    )!;
    expect(backup.metadata.annotations).toMatchObject({
      'kaas.internal/generated-from': 'operation:postgresql/backup',
    });
    // A removed capability takes its operations' templates along.
    config.update({ data: data({ mysql: kaas.capabilities.mysql }) });
    await provider.settled();
    expect(names().filter(n => n.includes('xaas-'))).toEqual([
      'template:default/xaas-mysql',
    ]);
    config.update({ data: data({ postgresql: kaas.capabilities.postgresql }) });
    await provider.settled();
    expect(names().filter(n => n.includes('xaas-'))).toEqual([
      'template:default/xaas-postgresql',
      'template:default/xaas-postgresql-op-backup',
      'template:default/xaas-postgresql-op-backup-schedule',
    ]);
    expect(connection.entity('resource:default/xaas-capability-redis')).toBe(
      undefined,
    );
    const full = connection.count('full');
    config.update({
      data: data({
        postgresql: { ...kaas.capabilities.postgresql, plans: 'none' },
      }),
    });
    await provider.settled();
    expect(connection.count('full')).toBe(full);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('kaas.capabilities.postgresql.plans'),
    );
    expect(names()).toContain('template:default/xaas-postgresql');
  });
});
