import { parseQuantity } from '../inventory/quantity';

/**
 * The vendor keyword of a capability's parameter schema that says how a parameter of an
 * existing instance may change, because its operator can do no more: `grow-only` (a
 * quantity or number that may only rise, e.g. storage), `no-downgrade` (a version that
 * may only move up) and `fixed` (set once, never changed).
 */
export const UPDATE_KEYWORD = 'x-kaas-update';

export const UPDATE_RULES = ['grow-only', 'no-downgrade', 'fixed'] as const;

type UpdateRule = (typeof UPDATE_RULES)[number];

const isUpdateRule = (value: unknown): value is UpdateRule =>
  UPDATE_RULES.includes(value as UpdateRule);

/**
 * What is wrong with the keyword in a capability's parameter schema, as
 * `{ path, problem }` with the path below `parameters`; undefined when nothing is. Only a
 * top-level parameter may carry it.
 */
export function updateRuleProblem(
  schema: Record<string, unknown>,
): { path: string; problem: string } | undefined {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) {
    if (!property || typeof property !== 'object') continue;
    const rule = (property as Record<string, unknown>)[UPDATE_KEYWORD];
    if (rule !== undefined && !isUpdateRule(rule)) {
      return {
        path: `properties.${name}.${UPDATE_KEYWORD}`,
        problem: `must be one of ${UPDATE_RULES.join(
          ', ',
        )} (got ${JSON.stringify(rule)})`,
      };
    }
  }
  return undefined;
}

/** Numeric parts of a version (`8.4.6` → [8, 4, 6], `v17` → [17]); undefined without any. */
function versionParts(value: unknown): number[] | undefined {
  const parts = String(value)
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  return parts.length ? parts : undefined;
}

/** Negative when version a is before b, positive when after, 0 when the same. */
function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

const amount = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : parseQuantity(String(value));

const shown = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

/**
 * Each change from `before` to `after` (an instance's parameters, the plan's filled in)
 * that the schema's `x-kaas-update` rules forbid, one sentence a parameter naming the
 * old and new value, why, and what to keep. Values the rule cannot compare (not a
 * quantity, no version number) are not judged.
 */
export function unsafeChanges(
  schema: Record<string, unknown>,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  const properties = (schema.properties ?? {}) as Record<
    string,
    Record<string, unknown>
  >;
  const refusals: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const rule = property?.[UPDATE_KEYWORD];
    const [from, to] = [before[name], after[name]];
    if (!isUpdateRule(rule) || from === undefined) continue;
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const change = `${name}: ${shown(from)} -> ${
      to === undefined ? '(unset)' : shown(to)
    }`;
    if (rule === 'fixed') {
      refusals.push(
        `${change} would change it; the operator cannot change ${name} of an existing instance. Keep ${shown(
          from,
        )}, or create another instance.`,
      );
    } else if (rule === 'grow-only') {
      const [a, b] = [amount(from), amount(to)];
      if (to === undefined || (a !== undefined && b !== undefined && b < a)) {
        refusals.push(
          `${change} would shrink it; the operator cannot shrink ${name}. Keep ${shown(
            from,
          )} or more.`,
        );
      }
    } else {
      const [a, b] = [versionParts(from), versionParts(to)];
      if (to === undefined || (a && b && compareVersions(b, a) < 0)) {
        refusals.push(
          `${change} would downgrade it; the operator cannot downgrade ${name}. Keep ${shown(
            from,
          )} or a later one.`,
        );
      }
    }
  }
  return refusals;
}
