/**
 * The `${{ tenant.* }}` placeholders of `kaas.baseline` and profile templates. They are
 * substituted into string values of the parsed object tree, never into YAML text, so a
 * value can never add keys or objects.
 */

/** Values a template may refer to as `${{ tenant.<key> }}`. @public */
export interface TenantTemplateValues {
  name: string;
  namespace: string;
  /** Full group ref, `group:default/team-a`. */
  owner: string;
  /**
   * The owner as a Kubernetes group name (what RoleBindings name and OIDC group claims
   * carry): `team-a` for `group:default/team-a`, `other/team-a` for `group:other/team-a`
   * (kaas-common's `kubernetesGroupName`).
   */
  ownerName: string;
  /**
   * The owner's group as the clusters' authenticators name it: `ownerName` behind
   * `kaas.oidc.groupsPrefix`, e.g. `oidc:team-a` (just `ownerName` without a prefix).
   * What RoleBindings of the owner should bind.
   */
  ownerGroup: string;
  /**
   * `kaas.oidc.groupsPrefix` ('' without one), to name any other group as the clusters
   * see it, e.g. `${{ tenant.groupsPrefix }}platform-team`.
   */
  groupsPrefix: string;
  isolation: string;
  profile: string;
}

const PLACEHOLDER = /\$\{\{\s*tenant\.([A-Za-z]+)\s*\}\}/g;
const KNOWN: ReadonlyArray<keyof TenantTemplateValues> = [
  'name',
  'namespace',
  'owner',
  'ownerName',
  'ownerGroup',
  'groupsPrefix',
  'isolation',
  'profile',
];

/** Unknown placeholders in the string values of `tree`, with the path of each. */
export function unknownPlaceholders(
  tree: unknown,
  path: string,
): Array<{ path: string; problem: string }> {
  const found: Array<{ path: string; problem: string }> = [];
  const visit = (value: unknown, at: string) => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(PLACEHOLDER)) {
        if (!KNOWN.includes(match[1] as keyof TenantTemplateValues)) {
          found.push({
            path: at,
            problem: `unknown placeholder '${match[0]}'; use one of ${KNOWN.map(
              k => `\${{ tenant.${k} }}`,
            ).join(', ')}`,
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
  return found;
}

/** A deep copy of `tree` with every placeholder in its string values replaced. */
export function substitutePlaceholders<T>(
  tree: T,
  values: TenantTemplateValues,
): T {
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER, (whole, key: string) =>
        KNOWN.includes(key as keyof TenantTemplateValues)
          ? values[key as keyof TenantTemplateValues]
          : whole,
      );
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, visit(item)]),
      );
    }
    return value;
  };
  return visit(tree) as T;
}
