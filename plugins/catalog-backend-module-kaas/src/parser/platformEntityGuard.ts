import type { Entity } from '@backstage/catalog-model';
import {
  parseEntityYaml,
  processingResult,
  type CatalogProcessorParser,
  type LocationSpec,
} from '@backstage/plugin-catalog-node';
import {
  CAPABILITY_ENTITY_TYPE,
  TENANT_ENTITY_TYPE,
  isInstanceEntityType,
} from '@kaas-platform/plugin-kaas-common';

/** Spec types only the kaas entity providers emit. */
function isPlatformType(type: unknown): boolean {
  return (
    type === TENANT_ENTITY_TYPE ||
    type === CAPABILITY_ENTITY_TYPE ||
    isInstanceEntityType(type)
  );
}

function isResourceInDefaultNamespace(entity: Entity): boolean {
  return (
    entity.kind?.toLocaleLowerCase('en-US') === 'resource' &&
    (entity.metadata?.namespace ?? 'default').toLocaleLowerCase('en-US') ===
      'default'
  );
}

/**
 * The catalog's entity data parser (it reads every YAML file a location points at), with
 * one refusal: a location may not produce `kubernetes-tenant` or `xaas-*` Resources, nor
 * a Resource under the name of a tenant or instance the clusters hold. Those entities
 * come from the kaas provider alone; one registered by a user would otherwise claim the
 * entity ref first (the catalog keeps the first writer) and show the wrong owner.
 *
 * `isPlatformEntityName(name)` says whether `resource:default/<name>` is a tenant or an
 * instance the kaas inventory knows.
 */
export function platformEntityGuardParser(options: {
  isPlatformEntityName(name: string): boolean;
  /** Told of every entity let through (the template provider looks for overrides). */
  onEntity?(entity: Entity, location: LocationSpec): void;
}): CatalogProcessorParser {
  return async function* parse({ data, location }) {
    for (const result of parseEntityYaml(data, location)) {
      if (result.type !== 'entity') {
        yield result;
        continue;
      }
      if (!isResourceInDefaultNamespace(result.entity)) {
        options.onEntity?.(result.entity, result.location);
        yield result;
        continue;
      }
      const { entity } = result;
      const name = entity.metadata?.name ?? '';
      const where = `${location.type}:${location.target}`;
      if (isPlatformType(entity.spec?.type)) {
        yield processingResult.inputError(
          location,
          `Resource '${name}' of type '${entity.spec?.type}' in ${where} is refused: only the kaas entity provider, which reads the clusters, may produce ${TENANT_ENTITY_TYPE} and xaas-* Resources (xaas-capability ones come from kaas.capabilities); remove it from the file`,
        );
      } else if (options.isPlatformEntityName(name)) {
        yield processingResult.inputError(
          location,
          `Resource '${name}' in ${where} is refused: resource:default/${name} is a tenant or XaaS instance of the platform, read from the clusters; rename the entity`,
        );
      } else {
        options.onEntity?.(entity, result.location);
        yield result;
      }
    }
  };
}
