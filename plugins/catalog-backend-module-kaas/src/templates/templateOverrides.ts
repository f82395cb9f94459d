import type { Entity } from '@backstage/catalog-model';
import {
  TENANT_ENTITY_TYPE,
  TENANT_ISOLATIONS,
} from '@kaas-platform/plugin-kaas-common';
import type { GeneratedKey } from './kaasOffering';
import { templateMarkKeys } from './templateMarks';

/** The catalog's mark of an entity its location no longer emits. */
const ORPHAN = 'backstage.io/orphan';

/**
 * Which generated template a hand-written Template replaces, if any: the capability,
 * operation or isolation its annotation names (`<prefix>/capability: <id>`,
 * `<prefix>/operation: <id>/<operation>`, `<prefix>/isolation`), else the one its
 * `spec.type` names (an operation template's type as `operationTypes` lists it,
 * `xaas-<id>`, `kubernetes-tenant-<isolation>`). Generated templates and orphans replace
 * nothing.
 */
export function overriddenKey(
  entity: Entity,
  markPrefix: string,
  operationTypes: ReadonlyMap<string, GeneratedKey> = new Map(),
): GeneratedKey | undefined {
  if (entity.kind?.toLocaleLowerCase('en-US') !== 'template') return undefined;
  const annotations = entity.metadata?.annotations ?? {};
  const marks = templateMarkKeys(markPrefix);
  if (annotations[marks.generatedFrom] || annotations[ORPHAN] === 'true') {
    return undefined;
  }
  if (annotations[marks.capability]) {
    return `capability:${annotations[marks.capability]}`;
  }
  if (annotations[marks.isolation]) {
    return `isolation:${annotations[marks.isolation]}`;
  }
  const operation = annotations[marks.operation];
  if (operation && /^[^/]+\/[^/]+$/.test(operation)) {
    return `operation:${operation}` as GeneratedKey;
  }
  const type = entity.spec?.type;
  if (typeof type !== 'string') return undefined;
  const operationKey = operationTypes.get(type);
  if (operationKey) return operationKey;
  for (const isolation of TENANT_ISOLATIONS) {
    if (type === `${TENANT_ENTITY_TYPE}-${isolation}`) {
      return `isolation:${isolation}`;
    }
  }
  if (type.startsWith('xaas-')) return `capability:${type.slice(5)}`;
  return undefined;
}
