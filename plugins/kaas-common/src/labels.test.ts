import { kaasMarkKeys } from './labels';

describe('kaasMarkKeys', () => {
  it('builds the keys of DESIGN.md section 3 under a prefix', () => {
    expect(kaasMarkKeys()).toEqual({
      tenant: 'kaas.internal/tenant',
      managedBy: 'kaas.internal/managed-by',
      isolation: 'kaas.internal/isolation',
      capability: 'kaas.internal/capability',
      instance: 'kaas.internal/instance',
      owner: 'kaas.internal/owner',
      spec: 'kaas.internal/spec',
      description: 'kaas.internal/description',
      operation: 'kaas.internal/operation',
      run: 'kaas.internal/run',
      policyObjects: 'kaas.internal/policy-objects',
    });
    expect(kaasMarkKeys('platform.example.com').tenant).toBe(
      'platform.example.com/tenant',
    );
  });
});
