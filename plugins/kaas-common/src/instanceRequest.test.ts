import type { Capability } from './capabilityConfig';
import { instanceEntityRef } from './entityRefs';
import { instanceNameProblem, instanceRequestSchema } from './instanceRequest';

const capability: Capability = {
  id: 'postgresql',
  title: 'PostgreSQL',
  parameters: { type: 'object', properties: {} },
  plans: { small: { title: 'Small', parameters: {} } },
  objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }],
  readiness: { field: { path: 'status.phase', equals: 'Ready' } },
};
const schema = instanceRequestSchema({
  capabilities: { postgresql: capability },
});

describe('instanceRequestSchema', () => {
  it('accepts a valid request', () => {
    expect(
      schema.parse({
        tenant: 'team-a',
        capability: 'postgresql',
        name: 'orders-db',
        plan: 'small',
        parameters: { instances: 2 },
      }),
    ).toEqual({
      tenant: 'team-a',
      capability: 'postgresql',
      name: 'orders-db',
      plan: 'small',
      parameters: { instances: 2 },
    });
  });

  it.each([
    [
      { capability: 'kafka' },
      "unknown capability 'kafka'; choose one of: postgresql",
    ],
    [
      { plan: 'xl' },
      "unknown plan 'xl' of capability 'postgresql'; choose one of: small",
    ],
    [{ name: 'a'.repeat(41) }, 'the limit is 40'],
    [{ name: 'Orders' }, 'must be lower case'],
    [
      { tenant: 'a'.repeat(30), name: 'b'.repeat(33) },
      `the catalog name of the instance, '${'a'.repeat(30)}.${'b'.repeat(
        33,
      )}', would be 64 characters long; the limit is 63, choose a name of at most 32 characters`,
    ],
  ])('refuses %j', (change, message) => {
    const result = schema.safeParse({
      tenant: 'team-a',
      capability: 'postgresql',
      name: 'orders-db',
      plan: 'small',
      ...change,
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map(i => i.message).join('\n')).toContain(
      message,
    );
  });
});

describe('instance names and refs', () => {
  it('allows DNS-1123 labels of up to 40 characters', () => {
    expect(instanceNameProblem('a'.repeat(40))).toBeUndefined();
    expect(instanceNameProblem('a_b')).toContain('lower-case letters');
  });

  it('builds the entity ref of an instance', () => {
    expect(instanceEntityRef('team-a', 'orders-db')).toBe(
      'resource:default/team-a.orders-db',
    );
  });
});
