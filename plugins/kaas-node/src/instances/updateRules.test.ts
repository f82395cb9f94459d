import { unsafeChanges } from './updateRules';

const schema = {
  type: 'object',
  properties: {
    storage: { type: 'string', 'x-kaas-update': 'grow-only' },
    replicas: { type: 'integer', 'x-kaas-update': 'grow-only' },
    version: { type: 'string', 'x-kaas-update': 'no-downgrade' },
    topic: { type: 'string', 'x-kaas-update': 'fixed' },
    instances: { type: 'integer' },
  },
};

describe('unsafeChanges, the x-kaas-update rules of a parameter schema', () => {
  it('refuses shrinking a grow-only quantity, naming the parameter, both values and what to keep', () => {
    expect(
      unsafeChanges(schema, { storage: '10Gi' }, { storage: '5Gi' }),
    ).toEqual([
      'storage: 10Gi -> 5Gi would shrink it; the operator cannot shrink storage. Keep 10Gi or more.',
    ]);
    // 1Ti is more than 900Gi: quantities compare by value, not as text.
    expect(
      unsafeChanges(schema, { storage: '900Gi' }, { storage: '1Ti' }),
    ).toEqual([]);
    expect(unsafeChanges(schema, { replicas: 3 }, { replicas: 1 })).toEqual([
      'replicas: 3 -> 1 would shrink it; the operator cannot shrink replicas. Keep 3 or more.',
    ]);
  });

  it('refuses a lower version, by its numbers, and allows a higher one', () => {
    expect(unsafeChanges(schema, { version: '17' }, { version: '16' })).toEqual(
      [
        'version: 17 -> 16 would downgrade it; the operator cannot downgrade version. Keep 17 or a later one.',
      ],
    );
    expect(
      unsafeChanges(schema, { version: '8.4.6' }, { version: '8.0.43' }),
    ).toHaveLength(1);
    expect(
      unsafeChanges(schema, { version: '8.0.43' }, { version: '8.4.6' }),
    ).toEqual([]);
    expect(unsafeChanges(schema, { version: '9' }, { version: '10' })).toEqual(
      [],
    );
  });

  it('refuses changing or unsetting a fixed parameter, and allows setting it first', () => {
    expect(unsafeChanges(schema, { topic: 'a' }, { topic: 'b' })).toEqual([
      'topic: a -> b would change it; the operator cannot change topic of an existing instance. Keep a, or create another instance.',
    ]);
    expect(unsafeChanges(schema, { topic: 'a' }, {})).toHaveLength(1);
    expect(unsafeChanges(schema, {}, { topic: 'a' })).toEqual([]);
  });

  it('lets parameters without a rule change freely', () => {
    expect(
      unsafeChanges(
        schema,
        { instances: 3, storage: '1Gi' },
        { instances: 1, storage: '1Gi' },
      ),
    ).toEqual([]);
  });
});
