/**
 * The prefix of every label and annotation key the platform writes (DESIGN.md section 3).
 * `.internal` is reserved for private use, so these keys never collide with anyone else's.
 *
 * @public
 */
export const DEFAULT_MARK_PREFIX = 'kaas.internal';

/** Value of the managed-by label on every object the platform writes. @public */
export const MANAGED_BY_VALUE = 'backstage-kaas';

/** Full label and annotation keys of the platform's marks for one prefix. @public */
export interface KaasMarkKeys {
  /** Label: tenant name, on every object of a tenant. */
  tenant: string;
  /** Label: {@link MANAGED_BY_VALUE}, on every object. */
  managedBy: string;
  /** Label: isolation of the tenant, on its home namespace. */
  isolation: string;
  /** Label: capability id, on every XaaS instance object. */
  capability: string;
  /** Label: instance name, on every XaaS instance object. */
  instance: string;
  /** Annotation: catalog ref of the owning group, on home namespaces and instances. */
  owner: string;
  /** Annotation: the validated request as JSON, on home namespaces and instances. */
  spec: string;
  /** Annotation: the requester's free-text description, on home namespaces and instances. */
  description: string;
  /** Label: the capability operation that created an object (day-2 operations). */
  operation: string;
  /** Label: the run of that operation. */
  run: string;
  /**
   * Annotation on a home namespace: the policy objects last applied into it (quota, limits,
   * baseline, in-cluster policy) as a JSON list of `apiVersion/kind/name`, so that those
   * today's policy no longer renders are deleted on the next apply.
   */
  policyObjects: string;
}

/**
 * The mark keys under `prefix`, e.g. `kaasMarkKeys().tenant === 'kaas.internal/tenant'`.
 *
 * @public
 */
export function kaasMarkKeys(
  prefix: string = DEFAULT_MARK_PREFIX,
): KaasMarkKeys {
  return {
    tenant: `${prefix}/tenant`,
    managedBy: `${prefix}/managed-by`,
    isolation: `${prefix}/isolation`,
    capability: `${prefix}/capability`,
    instance: `${prefix}/instance`,
    owner: `${prefix}/owner`,
    spec: `${prefix}/spec`,
    description: `${prefix}/description`,
    operation: `${prefix}/operation`,
    run: `${prefix}/run`,
    policyObjects: `${prefix}/policy-objects`,
  };
}
