/** `spec.type` of a tenant's catalog entity (`kind: Resource`). @public */
export const TENANT_ENTITY_TYPE = 'kubernetes-tenant';

/** `spec.type` of an instance's catalog entity, e.g. `xaas-postgresql`. @public */
export function instanceEntityType(capability: string): string {
  return `xaas-${capability}`;
}

/**
 * Name (and `spec.type`) of the generated Software Template that runs `operation` of
 * `capability`: `xaas-<capability>-op-<operation>`. The `-op-` keeps it apart from the
 * capability templates `xaas-<id>`; kaas-node refuses a configuration in which two
 * generated names still meet. @public
 */
export function operationTemplateName(
  capability: string,
  operation: string,
): string {
  return `${instanceEntityType(capability)}-op-${operation}`;
}

/** `spec.type` of a capability's catalog entity (`kind: Resource`). @public */
export const CAPABILITY_ENTITY_TYPE = 'xaas-capability';

/**
 * Whether a `spec.type` is an instance's, i.e. starts with `xaas-` and is not
 * {@link CAPABILITY_ENTITY_TYPE}. @public
 */
export function isInstanceEntityType(type: unknown): boolean {
  return (
    typeof type === 'string' &&
    type.startsWith('xaas-') &&
    type !== CAPABILITY_ENTITY_TYPE
  );
}

/** Name of a capability's entity: `xaas-capability-<id>`. @public */
export function capabilityEntityName(capability: string): string {
  return `xaas-capability-${capability}`;
}

/** Catalog ref of a capability's entity: `resource:default/xaas-capability-<id>`. @public */
export function capabilityEntityRef(capability: string): string {
  return `resource:default/${capabilityEntityName(capability)}`;
}

/** Catalog ref of a tenant's entity: `resource:default/<tenant>`. @public */
export function tenantEntityRef(tenant: string): string {
  return `resource:default/${tenant}`;
}

/**
 * Name of an instance's entity, `<tenant>.<name>`: tenant and instance names are
 * DNS-1123 labels, so the dot cannot be part of either and the pair is unique.
 *
 * @public
 */
export function instanceEntityName(tenant: string, name: string): string {
  return `${tenant}.${name}`;
}

/** Catalog ref of an instance's entity: `resource:default/<tenant>.<name>`. @public */
export function instanceEntityRef(tenant: string, name: string): string {
  return `resource:default/${instanceEntityName(tenant, name)}`;
}

/**
 * The kaas tab of a tenant's or instance's entity page, e.g.
 * `https://backstage.example.com/catalog/default/resource/<entity name>/kaas`: absolute,
 * since entity links and scaffolder outputs leave the app.
 *
 * @public
 */
export function kaasEntityPageUrl(
  appBaseUrl: string,
  entityName: string,
): string {
  return `${appBaseUrl.replace(
    /\/+$/,
    '',
  )}/catalog/default/resource/${encodeURIComponent(entityName)}/kaas`;
}
