import type { Entity } from '@backstage/catalog-model';
import {
  instanceOfEntity,
  isKaasInstanceEntity,
  isKaasTenantEntity,
} from './kaasEntity';

const entity = (kind: string, type: string, name = 'x'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name },
  spec: { type },
});

describe('kaas entities', () => {
  it('tells tenant and instance resources from everything else', () => {
    expect(isKaasTenantEntity(entity('Resource', 'kubernetes-tenant'))).toBe(
      true,
    );
    expect(isKaasTenantEntity(entity('Component', 'kubernetes-tenant'))).toBe(
      false,
    );
    expect(isKaasTenantEntity(entity('Resource', 'xaas-postgresql'))).toBe(
      false,
    );
    expect(isKaasInstanceEntity(entity('Resource', 'xaas-postgresql'))).toBe(
      true,
    );
    expect(isKaasInstanceEntity(entity('Resource', 'database'))).toBe(false);
  });

  it('splits an instance entity name at its first dot', () => {
    expect(
      instanceOfEntity(entity('Resource', 'xaas-kafka', 'team-a-dev.events')),
    ).toEqual({ tenant: 'team-a-dev', instance: 'events' });
    expect(instanceOfEntity(entity('Resource', 'xaas-kafka', 'nodot'))).toBe(
      undefined,
    );
  });
});
