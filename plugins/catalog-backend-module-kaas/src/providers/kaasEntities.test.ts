import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  resourceEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import { instanceEntity, tenantEntity } from './kaasEntities';

/** What the catalog checks of every entity before it stores it. */
async function expectValid(entity: Entity) {
  const policy = EntityPolicies.allOf([
    new DefaultNamespaceEntityPolicy(),
    new NoForeignRootFieldsEntityPolicy(),
    new FieldFormatEntityPolicy(),
    new SchemaValidEntityPolicy(),
  ]);
  await expect(policy.enforce(entity)).resolves.toBeDefined();
  await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
    true,
  );
}

const OPTIONS = {
  markPrefix: 'kaas.internal',
  appBaseUrl: 'http://localhost:3000',
};

const tenant = {
  name: 'team-a-dev',
  namespace: 't-team-a-dev',
  cluster: 'local',
  isolation: 'namespace' as const,
  owner: 'group:default/team-a',
  profile: 'small',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const instance = {
  tenant: 'team-a-dev',
  name: 'orders-db',
  capability: 'postgresql',
  plan: 'small',
  owner: 'group:default/team-a',
  cluster: 'local',
  namespace: 't-team-a-dev',
  parameters: {},
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('kaas catalog entities', () => {
  it('maps a tenant to a kubernetes-tenant Resource the catalog accepts', async () => {
    const entity = tenantEntity(
      { ...tenant, description: 'Team A development' },
      OPTIONS,
    );
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-a-dev',
        namespace: 'default',
        title: 'team-a-dev',
        description: 'Team A development',
        annotations: {
          'backstage.io/managed-by-location': 'kaas-cluster:local',
          'backstage.io/managed-by-origin-location': 'kaas-cluster:local',
          'backstage.io/kubernetes-id': 'team-a-dev',
          'backstage.io/kubernetes-namespace': 't-team-a-dev',
          'backstage.io/kubernetes-label-selector':
            'kaas.internal/tenant=team-a-dev',
          'kaas.internal/cluster': 'local',
          'kaas.internal/isolation': 'namespace',
          'kaas.internal/profile': 'small',
          'kaas.internal/namespace': 't-team-a-dev',
        },
        links: [
          {
            url: 'http://localhost:3000/catalog/default/resource/team-a-dev/kaas',
            title: 'Tenant page',
          },
        ],
      },
      spec: { type: 'kubernetes-tenant', owner: 'group:default/team-a' },
    });
    await expectValid(entity);
    expect(tenantEntity(tenant, OPTIONS).metadata).not.toHaveProperty(
      'description',
    );
  });

  it('maps an instance to an xaas-<capability> Resource that depends on its tenant', async () => {
    const entity = instanceEntity(instance, OPTIONS)!;
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-a-dev.orders-db',
        namespace: 'default',
        title: 'orders-db (team-a-dev)',
        annotations: {
          'backstage.io/managed-by-location': 'kaas-cluster:local',
          'backstage.io/managed-by-origin-location': 'kaas-cluster:local',
          'backstage.io/kubernetes-namespace': 't-team-a-dev',
          'backstage.io/kubernetes-label-selector':
            'kaas.internal/tenant=team-a-dev,kaas.internal/instance=orders-db',
          'kaas.internal/cluster': 'local',
          'kaas.internal/tenant': 'team-a-dev',
          'kaas.internal/capability': 'postgresql',
          'kaas.internal/plan': 'small',
          'kaas.internal/namespace': 't-team-a-dev',
        },
        links: [
          {
            url: 'http://localhost:3000/catalog/default/resource/team-a-dev.orders-db/kaas',
            title: 'Instance page',
          },
        ],
      },
      spec: {
        type: 'xaas-postgresql',
        owner: 'group:default/team-a',
        dependsOn: [
          'resource:default/team-a-dev',
          'resource:default/xaas-capability-postgresql',
        ],
      },
    });
    await expectValid(entity);
  });

  it('puts the configured mark prefix on the platform annotations', () => {
    const entity = tenantEntity(tenant, {
      ...OPTIONS,
      markPrefix: 'platform.example.com',
    });
    expect(Object.keys(entity.metadata.annotations!)).toEqual(
      expect.arrayContaining([
        'platform.example.com/cluster',
        'platform.example.com/isolation',
        'platform.example.com/profile',
        'platform.example.com/namespace',
      ]),
    );
    expect(
      entity.metadata.annotations!['backstage.io/kubernetes-label-selector'],
    ).toBe('platform.example.com/tenant=team-a-dev');
  });

  it('names instances up to the catalog limit of 63 characters, and leaves out longer ones', async () => {
    const longest = instanceEntity(
      { ...instance, tenant: 'a'.repeat(22), name: 'b'.repeat(40) },
      OPTIONS,
    )!;
    expect(longest.metadata.name).toHaveLength(63);
    await expectValid(longest);
    expect(
      instanceEntity(
        { ...instance, tenant: 'a'.repeat(23), name: 'b'.repeat(40) },
        OPTIONS,
      ),
    ).toBeUndefined();
  });
});
