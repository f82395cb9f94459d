import {
  instanceEntityType,
  operationTemplateName,
  type Capability,
} from '@kaas-platform/plugin-kaas-common';

/** The catalog's limit on `metadata.name`. */
const MAX_ENTITY_NAME = 63;

/**
 * Checks the names of the Software Templates the catalog module generates from
 * `kaas.capabilities` (`xaas-<id>` per capability, `xaas-<id>-op-<operation>` per
 * operation): each must be a valid entity name and none may be another's, or one template
 * would silently hide the other. Throws `fail(key, problem)` for the first problem.
 */
export function checkTemplateNames(
  capabilities: Capability[],
  fail: (key: string, problem: string) => Error,
): void {
  const taken = new Map<string, string>();
  const claim = (name: string, key: string, what: string) => {
    if (name.length > MAX_ENTITY_NAME) {
      throw fail(
        key,
        `${what} would be named '${name}' (${name.length} characters), but catalog names have at most ${MAX_ENTITY_NAME}; choose a shorter id or operation name`,
      );
    }
    const holder = taken.get(name);
    if (holder) {
      throw fail(
        key,
        `${what} would be named '${name}', which is already the name of the template generated for '${holder}'; rename one of them`,
      );
    }
    taken.set(name, key);
  };
  for (const { id } of capabilities) {
    claim(
      instanceEntityType(id),
      `kaas.capabilities.${id}`,
      'the template of this capability',
    );
  }
  for (const { id, operations } of capabilities) {
    for (const operation of Object.keys(operations ?? {})) {
      claim(
        operationTemplateName(id, operation),
        `kaas.capabilities.${id}.operations.${operation}`,
        'the template of this operation',
      );
    }
  }
}
