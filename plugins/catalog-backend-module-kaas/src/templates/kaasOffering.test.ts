import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  resourceEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { REDIS, repoKaas } from '../__testUtils__/configuredCapabilities';
import { readKaasOffering } from './kaasOffering';
import { formFields, settingsField } from './schemaToFormFields';
import { overriddenKey } from './templateOverrides';

function offeringOf(kaas: Record<string, any>) {
  return readKaasOffering(
    new ConfigReader({ app: { baseUrl: 'http://localhost:3000' }, kaas }),
  );
}

async function expectValid(entity: Entity) {
  const policy = EntityPolicies.allOf([
    new DefaultNamespaceEntityPolicy(),
    new NoForeignRootFieldsEntityPolicy(),
    new FieldFormatEntityPolicy(),
    new SchemaValidEntityPolicy(),
  ]);
  await expect(policy.enforce(entity)).resolves.toBeDefined();
}

describe('schemaToFormFields', () => {
  it('carries every supported keyword of a schema into the form fields, titles the rest and strips x-kaas-*', () => {
    const fields = formFields({
      version: {
        type: 'string',
        enum: ['16', '17'],
        enumNames: ['PostgreSQL 16', 'PostgreSQL 17'],
        default: '17',
        'x-kaas-update': 'no-downgrade',
      },
      tier: {
        type: 'string',
        title: 'Tier',
        oneOf: [
          { const: 'gold', title: 'Gold' },
          { const: 'silver', title: 'Silver', description: 'cheaper' },
        ],
      },
      instances: {
        type: 'integer',
        minimum: 1,
        maximum: 5,
        description: 'One primary, the rest replicas.',
      },
      ratio: {
        type: 'number',
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        multipleOf: 0.1,
      },
      storageSize: {
        type: 'string',
        minLength: 2,
        maxLength: 10,
        pattern: '^[0-9]+(Mi|Gi)$',
        examples: ['10Gi'],
        $comment: 'kept out',
      },
      contact_email: { type: 'string', format: 'email' },
      enabled: { type: 'boolean', default: true },
      zones: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['a', 'b'],
          'x-kaas-update': 'grow-only',
        },
        minItems: 1,
        maxItems: 2,
        uniqueItems: true,
      },
      when: { if: { const: 1 }, type: 'integer' },
    });
    expect(fields).toEqual({
      version: {
        title: 'Version',
        type: 'string',
        enum: ['16', '17'],
        enumNames: ['PostgreSQL 16', 'PostgreSQL 17'],
        default: '17',
      },
      tier: {
        title: 'Tier',
        type: 'string',
        oneOf: [
          { const: 'gold', title: 'Gold' },
          { const: 'silver', title: 'Silver', description: 'cheaper' },
        ],
      },
      instances: {
        title: 'Instances',
        type: 'integer',
        minimum: 1,
        maximum: 5,
        description: 'One primary, the rest replicas.',
      },
      ratio: {
        title: 'Ratio',
        type: 'number',
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        multipleOf: 0.1,
      },
      storageSize: {
        title: 'Storage size',
        type: 'string',
        minLength: 2,
        maxLength: 10,
        pattern: '^[0-9]+(Mi|Gi)$',
        'ui:help': 'Example: 10Gi',
      },
      contact_email: {
        title: 'Contact email',
        type: 'string',
        format: 'email',
      },
      enabled: { title: 'Enabled', type: 'boolean', default: true },
      zones: {
        title: 'Zones',
        type: 'array',
        items: { type: 'string', enum: ['a', 'b'] },
        minItems: 1,
        maxItems: 2,
        uniqueItems: true,
      },
      when: { title: 'When', type: 'integer' },
    });
  });

  it('requires nothing on the settings page and says which fields a plan fills', () => {
    const settings = settingsField(REDIS.parameters as any, REDIS.plans);
    expect(settings).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        memory: {
          title: 'Memory',
          description: "Leave empty to take the plan's value.",
        },
        replicas: { title: 'Replicas', minimum: 1, maximum: 3 },
      },
    });
    expect(settings.required).toBeUndefined();
    expect((settings.properties as any).replicas.description).toBeUndefined();
  });

  it("ends a field's own description as a sentence before the plan note", () => {
    const settings = settingsField(
      {
        type: 'object',
        properties: {
          memory: { type: 'string', description: 'How much memory it may use' },
          disk: { type: 'string', description: 'Disk size!' },
        },
      } as any,
      { small: { parameters: { memory: '64Mi', disk: '1Gi' } } } as any,
    );
    expect((settings.properties as any).memory.description).toBe(
      "How much memory it may use. Leave empty to take the plan's value.",
    );
    expect((settings.properties as any).disk.description).toBe(
      "Disk size! Leave empty to take the plan's value.",
    );
  });
});

describe('readKaasOffering', () => {
  it("generates the templates and capability entities of the repository's app-config.yaml", async () => {
    const offering = offeringOf(repoKaas());
    expect([...offering.templates.keys()]).toEqual([
      'isolation:namespace',
      'isolation:vcluster',
      'isolation:cluster',
      'capability:postgresql',
      'operation:postgresql/backup',
      'operation:postgresql/backup-schedule',
      'capability:mysql',
      'capability:vitess',
      'capability:kafka',
    ]);
    expect([...offering.templates.values()].map(t => t.metadata.name)).toEqual([
      'kubernetes-tenant-namespace',
      'kubernetes-tenant-vcluster',
      'kubernetes-tenant-cluster',
      'xaas-postgresql',
      'xaas-postgresql-op-backup',
      'xaas-postgresql-op-backup-schedule',
      'xaas-mysql',
      'xaas-vitess',
      'xaas-kafka',
    ]);
    for (const entity of [
      ...offering.templates.values(),
      ...offering.capabilities,
    ]) {
      await expectValid(entity);
    }
    for (const entity of offering.capabilities) {
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
    const kafka = offering.templates.get('capability:kafka')!;
    const settings = (kafka.spec as any).parameters[1].properties.settings;
    // The schema's if/then stays behind: the backend checks it.
    expect(settings.if).toBeUndefined();
    expect(settings.properties.retentionHours).toEqual({
      title: 'Retention hours',
      type: 'integer',
      minimum: 1,
      maximum: 720,
      default: 168,
    });
    expect(settings.properties.replicas).toEqual({
      title: 'Replicas',
      type: 'integer',
      enum: [1, 3, 5],
      description: "Leave empty to take the plan's value.",
    });
    const tenant = offering.templates.get('isolation:namespace')!;
    expect(tenant.metadata.title).toBe(
      'Request a Kubernetes tenant (namespace)',
    );
    expect(tenant.spec?.owner).toBe('group:default/platform-team');
  });

  it('makes a capability added only in configuration a template and an entity owned by its team', async () => {
    const kaas = repoKaas();
    const offering = offeringOf({
      ...kaas,
      capabilities: { ...kaas.capabilities, redis: REDIS },
    });
    const template = offering.templates.get('capability:redis')!;
    expect(template.metadata).toMatchObject({
      name: 'xaas-redis',
      title: 'Request Redis',
      description: 'A Redis cache',
      tags: ['xaas', 'redis'],
      annotations: {
        'backstage.io/managed-by-location': 'kaas-config:kaas.capabilities',
        'backstage.io/managed-by-origin-location':
          'kaas-config:kaas.capabilities',
        'kaas.internal/generated-from': 'capability:redis',
      },
    });
    expect(template.spec).toMatchObject({
      owner: 'group:default/team-b',
      type: 'xaas-redis',
      parameters: [
        {
          title: 'Redis',
          required: ['tenant', 'name', 'plan'],
          properties: {
            tenant: { 'ui:field': 'KaasTenantPicker' },
            name: { maxLength: 40 },
            plan: {
              'ui:field': 'KaasPlanPicker',
              'ui:options': { capability: 'redis' },
            },
          },
        },
        {
          title: 'Settings',
          properties: {
            settings: {
              type: 'object',
              additionalProperties: false,
              properties: {
                memory: {
                  title: 'Memory',
                  type: 'string',
                  pattern: '^[0-9]+Mi$',
                  description: "Leave empty to take the plan's value.",
                },
                replicas: { title: 'Replicas', type: 'integer' },
                persistence: {
                  title: 'Persistence',
                  type: 'boolean',
                  default: false,
                },
              },
            },
          },
        },
      ],
    });
    expect((template.spec as any).steps).toEqual([
      {
        id: 'create',
        name: 'Create the Redis instance',
        action: 'xaas:instance:create',
        input: {
          tenant: '${{ parameters.tenant }}',
          capability: 'redis',
          name: '${{ parameters.name }}',
          plan: '${{ parameters.plan }}',
          parameters: '${{ parameters.settings }}',
        },
      },
      {
        id: 'wait',
        name: 'Wait until it is ready',
        action: 'xaas:instance:wait',
        input: {
          tenant: '${{ parameters.tenant }}',
          name: '${{ parameters.name }}',
          timeoutSeconds: 600,
        },
      },
    ]);
    const entity = offering.capabilities.find(
      e => e.metadata.name === 'xaas-capability-redis',
    )!;
    expect(entity.spec).toEqual({
      type: 'xaas-capability',
      owner: 'group:default/team-b',
      capability: 'redis',
      plans: [{ name: 'small', title: 'Small' }],
    });
    expect(entity.metadata.links).toEqual([
      {
        url: 'http://localhost:3000/create/templates/default/xaas-redis',
        title: 'Request Redis',
      },
    ]);
    await expectValid(template);
    await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });

  it("makes each operation of a capability a template of its own, with the operation's parameters as typed fields", async () => {
    const kaas = repoKaas();
    const offering = offeringOf(kaas);
    const declared = kaas.capabilities.postgresql.operations;
    const schedule = offering.templates.get(
      'operation:postgresql/backup-schedule',
    )!;
    expect(schedule.metadata).toEqual({
      name: 'xaas-postgresql-op-backup-schedule',
      title: 'Schedule backups (PostgreSQL)',
      description: declared['backup-schedule'].description,
      tags: ['xaas', 'postgresql', 'day-2'],
      annotations: {
        'backstage.io/managed-by-location': 'kaas-config:kaas.capabilities',
        'backstage.io/managed-by-origin-location':
          'kaas-config:kaas.capabilities',
        'kaas.internal/generated-from': 'operation:postgresql/backup-schedule',
      },
    });
    expect(schedule.spec).toMatchObject({
      owner: 'group:default/platform-team',
      type: 'xaas-postgresql-op-backup-schedule',
    });
    const [page, ...otherPages] = (schedule.spec as any).parameters;
    expect(otherPages).toEqual([]);
    expect(page.required).toEqual(['tenant', 'name']);
    expect(Object.keys(page.properties)).toEqual([
      'tenant',
      'name',
      'settings',
      'runName',
    ]);
    expect(page.properties.tenant['ui:field']).toBe('KaasTenantPicker');
    expect(page.properties.name['ui:readonly']).toBe(true);
    // The cron schedule: a text field checked by the capability's pattern, its
    // description saying what the pattern wants; the method a select with its default.
    expect(page.properties.settings).toEqual({
      title: 'Parameters',
      type: 'object',
      additionalProperties: false,
      required: ['schedule'],
      properties: {
        schedule: {
          title: 'Schedule',
          type: 'string',
          pattern:
            declared['backup-schedule'].parameters.properties.schedule.pattern,
          description:
            "six cron fields, seconds first (e.g. '0 0 2 * * *' for 02:00 every day), or @daily, @hourly, @weekly",
        },
        method: {
          title: 'Method',
          type: 'string',
          enum: ['barmanObjectStore', 'volumeSnapshot'],
          default: 'volumeSnapshot',
        },
      },
    });
    expect((schedule.spec as any).steps).toEqual([
      {
        id: 'operate',
        name: 'Schedule backups',
        action: 'xaas:instance:operate',
        input: {
          tenant: '${{ parameters.tenant }}',
          name: '${{ parameters.name }}',
          operation: 'backup-schedule',
          parameters: '${{ parameters.settings }}',
          runName: '${{ parameters.runName }}',
          wait: true,
          timeoutSeconds: 600,
        },
      },
    ]);
    expect((schedule.spec as any).output.links).toEqual([
      {
        title: 'Open the instance',
        icon: 'catalog',
        entityRef: '${{ steps.operate.output.entityRef }}',
      },
    ]);
    const backup = offering.templates.get('operation:postgresql/backup')!;
    expect(backup.metadata.title).toBe('Back up now (PostgreSQL)');
    expect(
      (backup.spec as any).parameters[0].properties.settings.properties.method,
    ).toMatchObject({
      enum: ['barmanObjectStore', 'volumeSnapshot'],
      default: 'volumeSnapshot',
      description: declared.backup.parameters.properties.method.description,
    });
    expect(
      (backup.spec as any).parameters[0].properties.settings.required,
    ).toBeUndefined();
    await expectValid(schedule);
    await expectValid(backup);
    expect(offering.operationTypes).toEqual(
      new Map([
        ['xaas-postgresql-op-backup', 'operation:postgresql/backup'],
        [
          'xaas-postgresql-op-backup-schedule',
          'operation:postgresql/backup-schedule',
        ],
      ]),
    );
  });

  it('leaves the parameters field out of an operation without parameters', () => {
    const kaas = repoKaas();
    const offering = offeringOf({
      ...kaas,
      capabilities: {
        redis: {
          ...REDIS,
          operations: {
            flush: {
              title: 'Flush',
              objects: [
                {
                  apiVersion: 'batch/v1',
                  kind: 'Job',
                  metadata: { name: '${{ instance.name }}-${{ run.name }}' },
                },
              ],
            },
          },
        },
      },
    });
    const flush = offering.templates.get('operation:redis/flush')!;
    expect(flush.metadata).toMatchObject({
      name: 'xaas-redis-op-flush',
      title: 'Flush (Redis)',
      description: 'Runs the operation flush on a Redis instance.',
    });
    expect(flush.spec?.owner).toBe('group:default/team-b');
    const page = (flush.spec as any).parameters[0];
    expect(Object.keys(page.properties)).toEqual(['tenant', 'name', 'runName']);
    expect((flush.spec as any).steps[0].input).not.toHaveProperty('parameters');
  });

  it('offers the cluster isolation only when some profile has a ClusterClass or a Crossplane claim', () => {
    const kaas = repoKaas();
    const profiles = Object.fromEntries(
      Object.entries(kaas.tenantProfiles as Record<string, any>).map(
        ([name, { clusterClass, crossplane, ...profile }]) => [name, profile],
      ),
    );
    const offering = offeringOf({ ...kaas, tenantProfiles: profiles });
    expect([...offering.templates.keys()]).not.toContain('isolation:cluster');
    expect([...offering.templates.keys()]).toContain('isolation:vcluster');
  });

  it('refuses a configuration the kaas readers refuse, naming the key', () => {
    const kaas = repoKaas();
    expect(() =>
      offeringOf({
        ...kaas,
        capabilities: {
          ...kaas.capabilities,
          redis: {
            ...REDIS,
            plans: { small: { title: 'S', parameters: { memory: 'lots' } } },
          },
        },
      }),
    ).toThrow(/kaas\.capabilities\.redis\.plans\.small/);
  });
});

describe('overriddenKey', () => {
  const template = (annotations: Record<string, string>, type: string) => ({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'x', annotations },
    spec: { type },
  });
  it('names the capability or isolation a hand-written template replaces', () => {
    expect(
      overriddenKey(
        template({ 'kaas.internal/capability': 'postgresql' }, 'database'),
        'kaas.internal',
      ),
    ).toBe('capability:postgresql');
    expect(overriddenKey(template({}, 'xaas-kafka'), 'kaas.internal')).toBe(
      'capability:kafka',
    );
    expect(
      overriddenKey(
        template({}, 'kubernetes-tenant-vcluster'),
        'kaas.internal',
      ),
    ).toBe('isolation:vcluster');
    expect(
      overriddenKey(
        template({ 'kaas.internal/isolation': 'cluster' }, 'kubernetes-tenant'),
        'kaas.internal',
      ),
    ).toBe('isolation:cluster');
    expect(
      overriddenKey(template({}, 'kubernetes-tenant'), 'kaas.internal'),
    ).toBeUndefined();
    const operationTypes = offeringOf(repoKaas()).operationTypes;
    expect(
      overriddenKey(
        template(
          { 'kaas.internal/operation': 'postgresql/backup' },
          'database-backup',
        ),
        'kaas.internal',
        operationTypes,
      ),
    ).toBe('operation:postgresql/backup');
    // The type of an operation template names the operation, not a capability
    // 'postgresql-op-backup-schedule'.
    expect(
      overriddenKey(
        template({}, 'xaas-postgresql-op-backup-schedule'),
        'kaas.internal',
        operationTypes,
      ),
    ).toBe('operation:postgresql/backup-schedule');
    // Its own generated templates and the catalog's orphans replace nothing.
    expect(
      overriddenKey(
        template(
          { 'kaas.internal/generated-from': 'capability:kafka' },
          'xaas-kafka',
        ),
        'kaas.internal',
      ),
    ).toBeUndefined();
    expect(
      overriddenKey(
        template({ 'backstage.io/orphan': 'true' }, 'xaas-kafka'),
        'kaas.internal',
      ),
    ).toBeUndefined();
  });
});
