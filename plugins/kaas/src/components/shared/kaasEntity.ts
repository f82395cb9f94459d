import type { Entity } from '@backstage/catalog-model';
import {
  isInstanceEntityType,
  TENANT_ENTITY_TYPE,
} from '@kaas-platform/plugin-kaas-common';

/**
 * Whether `entity` is a tenant's catalog entity (`Resource` of type `kubernetes-tenant`).
 *
 * @public
 */
export function isKaasTenantEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === TENANT_ENTITY_TYPE
  );
}

/**
 * Whether `entity` is an XaaS instance's catalog entity (`Resource` of type `xaas-*`).
 *
 * @public
 */
export function isKaasInstanceEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    isInstanceEntityType(entity.spec?.type)
  );
}

/**
 * Tenant and instance of an instance entity. Its name is `<tenant>.<instance>`, and as
 * both are DNS-1123 labels (no dots) the first dot separates them; this does not depend
 * on the configurable annotation prefix.
 */
export function instanceOfEntity(
  entity: Entity,
): { tenant: string; instance: string } | undefined {
  const name = entity.metadata.name;
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return { tenant: name.slice(0, dot), instance: name.slice(dot + 1) };
}
