/**
 * Placeholders of capability templates: `${{ instance.* }}`, `${{ parameters.* }}` and
 * (through the tenant substitution of baseline templates) `${{ tenant.* }}`. They are
 * substituted into string values of the parsed object tree, never into YAML text. A
 * string that is one placeholder and nothing else takes the value's JSON type
 * (`'${{ parameters.instances }}'` becomes the number 3); inside longer strings values
 * are stringified.
 */
import {
  substitutePlaceholders,
  unknownPlaceholders,
  type TenantTemplateValues,
} from '../tenants/tenantPlaceholders';

/** Values a capability template may refer to as `${{ instance.<key> }}`. */
export interface InstanceTemplateValues {
  name: string;
  namespace: string;
  capability: string;
  plan: string;
  tenant: string;
}

/** Everything a capability template can refer to. */
export interface InstanceTemplateValueSet {
  instance: InstanceTemplateValues;
  parameters: Record<string, unknown>;
  tenant: TenantTemplateValues;
}

export const INSTANCE_KEYS: ReadonlyArray<keyof InstanceTemplateValues> = [
  'name',
  'namespace',
  'capability',
  'plan',
  'tenant',
];

const ANY_PLACEHOLDER = /\$\{\{([^}]*)\}\}/g;
const REFERENCE = /^\s*(instance|parameters|tenant)\.([A-Za-z0-9_]+)\s*$/;
const WHOLE = /^\$\{\{\s*(instance|parameters)\.([A-Za-z0-9_]+)\s*\}\}$/;

/** Placeholder problems in the string values of `tree`, each with its path. */
export function placeholderProblems(
  tree: unknown,
  path: string,
  parameterNames: string[],
): Array<{ path: string; problem: string }> {
  const found: Array<{ path: string; problem: string }> = [];
  const visit = (value: unknown, at: string) => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(ANY_PLACEHOLDER)) {
        const reference = REFERENCE.exec(match[1]);
        const [, root, key] = reference ?? [];
        if (!reference) {
          found.push({
            path: at,
            problem: `unknown placeholder '${match[0]}'; use \${{ instance.<key> }}, \${{ parameters.<name> }} or \${{ tenant.<key> }}`,
          });
        } else if (
          root === 'instance' &&
          !INSTANCE_KEYS.includes(key as keyof InstanceTemplateValues)
        ) {
          found.push({
            path: at,
            problem: `unknown placeholder '${
              match[0]
            }'; use one of ${INSTANCE_KEYS.map(
              k => `\${{ instance.${k} }}`,
            ).join(', ')}`,
          });
        } else if (root === 'parameters' && !parameterNames.includes(key)) {
          found.push({
            path: at,
            problem: `unknown placeholder '${
              match[0]
            }': the parameter schema has no property '${key}' (it has: ${
              parameterNames.join(', ') || 'none'
            })`,
          });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${at}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        visit(item, `${at}.${key}`);
      }
    }
  };
  visit(tree, path);
  return [...found, ...unknownPlaceholders(tree, path)];
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A deep copy of `tree` with every placeholder replaced. A whole-value placeholder of an
 * unset parameter removes the field (so optional parameters can stay unset).
 */
export function substituteInstancePlaceholders<T>(
  tree: T,
  values: InstanceTemplateValueSet,
): T {
  const lookup = (root: string, key: string): unknown =>
    root === 'instance'
      ? values.instance[key as keyof InstanceTemplateValues]
      : values.parameters[key];
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE.exec(value);
      if (whole) return structuredClone(lookup(whole[1], whole[2]));
      return value.replace(ANY_PLACEHOLDER, (match, inner: string) => {
        const reference = REFERENCE.exec(inner);
        if (!reference || reference[1] === 'tenant') return match;
        return stringify(lookup(reference[1], reference[2]));
      });
    }
    if (Array.isArray(value)) {
      return value.map(visit).filter(item => item !== undefined);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .map(([key, item]) => [key, visit(item)] as const)
          .filter(([, item]) => item !== undefined),
      );
    }
    return value;
  };
  // Tenant values first: parameter values are the developer's, and must not expand.
  return visit(substitutePlaceholders(tree, values.tenant)) as T;
}

/** The parameter a `when:` of an object template refers to (`parameters.topic`), or undefined. */
export function whenParameter(when: string): string | undefined {
  return /^\s*parameters\.([A-Za-z0-9_]+)\s*$/.exec(when)?.[1];
}

/** Whether a `when:` holds for these parameters: set, and not false, 0 or empty. */
export function whenHolds(
  when: string | undefined,
  parameters: Record<string, unknown>,
): boolean {
  if (when === undefined) return true;
  const value = parameters[whenParameter(when) ?? ''];
  return (
    value !== undefined &&
    value !== null &&
    value !== false &&
    value !== 0 &&
    value !== ''
  );
}
