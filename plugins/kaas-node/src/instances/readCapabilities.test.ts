import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { REPO_ROOT } from '@internal/kaas-test-cluster';
import { parse } from 'yaml';
import { readCapabilities } from './readCapabilities';
import { substituteInstancePlaceholders } from './instanceTemplates';

const shipped = parse(
  fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
).kaas.capabilities;

const minimal = () => ({
  title: 'Test',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      replicas: { type: 'integer', minimum: 1, maximum: 3 },
      topic: { type: 'string' },
    },
    required: ['replicas'],
  },
  plans: { small: { title: 'Small', parameters: { replicas: 1 } } },
  objects: [
    {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: '${{ instance.name }}' },
      spec: { replicas: '${{ parameters.replicas }}' },
    },
  ],
  readiness: { condition: { type: 'Ready', status: 'True' } },
});

const read = (capabilities: unknown) =>
  readCapabilities(new ConfigReader({ kaas: { capabilities } } as never));

describe('readCapabilities', () => {
  it('reads the capabilities shipped in app-config.yaml', () => {
    expect(read(shipped).map(c => [c.id, Object.keys(c.plans)])).toEqual([
      ['postgresql', ['small', 'medium', 'large']],
      ['mysql', ['small', 'medium', 'large']],
      ['vitess', ['small', 'medium', 'large']],
      ['kafka', ['small', 'medium', 'large']],
    ]);
  });

  it('accepts the x-kaas-update rules, as the shipped capabilities use them', () => {
    const capability: any = minimal();
    capability.parameters.properties.replicas['x-kaas-update'] = 'grow-only';
    capability.parameters.properties.topic['x-kaas-update'] = 'fixed';
    expect(read({ test: capability })[0].parameters).toMatchObject({
      properties: { replicas: { 'x-kaas-update': 'grow-only' } },
    });
    expect(shipped.postgresql.parameters.properties.storage).toMatchObject({
      'x-kaas-update': 'grow-only',
    });
  });

  it('reads no capabilities when none are configured', () => {
    expect(readCapabilities(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [
      'a plan that breaks the schema',
      (c: any) => {
        c.plans.small.parameters.replicas = 7;
      },
      "'kaas.capabilities.test.plans.small.parameters.replicas': parameter 'replicas' must be <= 3",
    ],
    [
      'a plan with an unknown parameter',
      (c: any) => {
        c.plans.small.parameters.size = 1;
      },
      "'kaas.capabilities.test.plans.small.parameters.size': parameter 'size' is not allowed here",
    ],
    [
      'an unknown parameter placeholder',
      (c: any) => {
        c.objects[0].spec.size = '${{ parameters.size }}';
      },
      "'kaas.capabilities.test.objects[0].spec.size': unknown placeholder '${{ parameters.size }}'",
    ],
    [
      'an unknown instance placeholder',
      (c: any) => {
        c.objects[0].metadata.name = '${{ instance.nam }}';
      },
      "'kaas.capabilities.test.objects[0].metadata.name': unknown placeholder '${{ instance.nam }}'",
    ],
    [
      'an unknown tenant placeholder',
      (c: any) => {
        c.objects[0].spec.team = '${{ tenant.team }}';
      },
      "'kaas.capabilities.test.objects[0].spec.team': unknown placeholder '${{ tenant.team }}'",
    ],
    [
      'an unknown root',
      (c: any) => {
        c.objects[0].spec.x = 'a-${{ secrets.token }}';
      },
      "'kaas.capabilities.test.objects[0].spec.x': unknown placeholder '${{ secrets.token }}'",
    ],
    [
      'a fixed namespace',
      (c: any) => {
        c.objects[0].metadata.namespace = 'default';
      },
      "'kaas.capabilities.test.objects[0].metadata.namespace': must not be set",
    ],
    [
      'a `when` on an unknown parameter',
      (c: any) => {
        c.objects[0].when = 'parameters.nope';
      },
      "'kaas.capabilities.test.objects[0].when'",
    ],
    [
      'readiness on an optional object',
      (c: any) => {
        c.objects.push({ ...c.objects[0], when: 'parameters.topic' });
        c.readiness.object = 1;
      },
      "'kaas.capabilities.test.readiness.object': object 1 is optional",
    ],
    [
      "another object of the readiness object's kind",
      (c: any) => {
        c.objects.push({
          ...c.objects[0],
          metadata: { name: '${{ instance.name }}-b' },
        });
      },
      "'kaas.capabilities.test.objects[1]': is a Thing like the readiness object 0",
    ],
    [
      'both readiness rules',
      (c: any) => {
        c.readiness.field = { path: 'status.phase', equals: 'Ready' };
      },
      "'kaas.capabilities.test.readiness': needs exactly one of condition and field",
    ],
    [
      'an invalid JSON Schema',
      (c: any) => {
        c.parameters.properties.replicas.minimum = 'one';
      },
      "'kaas.capabilities.test.parameters': is not a valid JSON Schema",
    ],
    [
      'an unknown x-kaas-update rule',
      (c: any) => {
        c.parameters.properties.replicas['x-kaas-update'] = 'shrink-only';
      },
      "'kaas.capabilities.test.parameters.properties.replicas.x-kaas-update': must be one of grow-only, no-downgrade, fixed",
    ],
    [
      'an x-kaas-update rule below a top-level parameter',
      (c: any) => {
        c.parameters.properties.topic = {
          type: 'object',
          properties: { name: { type: 'string', 'x-kaas-update': 'never' } },
        };
      },
      "'kaas.capabilities.test.parameters': is not a valid JSON Schema",
    ],
    [
      'a capability without plans',
      (c: any) => {
        c.plans = {};
      },
      "'kaas.capabilities.test.plans': needs at least one plan",
    ],
  ])('refuses %s, naming the key', (_, change, message) => {
    const capability = minimal();
    change(capability);
    expect(() => read({ test: capability })).toThrow(message);
  });

  it('refuses generated template names that meet or are too long, naming the key', () => {
    const withOperation = (name: string) => ({
      ...minimal(),
      operations: {
        [name]: {
          title: 'Op',
          objects: [
            {
              apiVersion: 'example.com/v1',
              kind: 'Job',
              metadata: { name: '${{ run.name }}' },
            },
          ],
        },
      },
    });
    // xaas-test-op-backup: the operation's template and the capability 'test-op-backup'.
    expect(() =>
      read({ test: withOperation('backup'), 'test-op-backup': minimal() }),
    ).toThrow(
      "'kaas.capabilities.test.operations.backup': the template of this operation would be named 'xaas-test-op-backup', which is already the name of the template generated for 'kaas.capabilities.test-op-backup'",
    );
    // xaas-a-op-b-op-c, from a/b-op-c and a-op-b/c.
    expect(() =>
      read({ a: withOperation('b-op-c'), 'a-op-b': withOperation('c') }),
    ).toThrow("'kaas.capabilities.a-op-b.operations.c'");
    const long = 'x'.repeat(20);
    expect(() => read({ [long]: withOperation('y'.repeat(40)) })).toThrow(
      `'kaas.capabilities.${long}.operations.${'y'.repeat(
        40,
      )}': the template of this operation would be named`,
    );
    expect(
      read({ test: withOperation('backup'), backup: minimal() }).map(c => c.id),
    ).toEqual(['test', 'backup']);
  });
});

describe('substituteInstancePlaceholders', () => {
  const values = {
    instance: {
      name: 'db',
      namespace: 't-a',
      capability: 'pg',
      plan: 'small',
      tenant: 'a',
    },
    parameters: { n: 3, on: true, list: ['x'], text: 'v' } as Record<
      string,
      unknown
    >,
    tenant: {
      name: 'a',
      namespace: 't-a',
      owner: 'group:default/team-a',
      ownerName: 'team-a',
      ownerGroup: 'team-a',
      groupsPrefix: '',
      isolation: 'namespace',
      profile: 'small',
    },
  };

  it('keeps the JSON type of whole-value placeholders and stringifies inside strings', () => {
    expect(
      substituteInstancePlaceholders(
        {
          n: '${{ parameters.n }}',
          on: '${{parameters.on}}',
          list: '${{ parameters.list }}',
          text: 'n=${{ parameters.n }} of ${{ instance.name }} in ${{ tenant.namespace }}',
          unset: '${{ parameters.missing }}',
          items: ['${{ parameters.missing }}', 'kept'],
        },
        values,
      ),
    ).toEqual({
      n: 3,
      on: true,
      list: ['x'],
      text: 'n=3 of db in t-a',
      items: ['kept'],
    });
  });

  it('never expands placeholders inside parameter values', () => {
    expect(
      substituteInstancePlaceholders(
        { a: '${{ parameters.text }}', b: 'x-${{ parameters.text }}' },
        {
          ...values,
          parameters: { text: '${{ tenant.owner }}' },
        },
      ),
    ).toEqual({ a: '${{ tenant.owner }}', b: 'x-${{ tenant.owner }}' });
  });
});
