const ENTITY_NAME = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const ENTITY_NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A catalog group reference split into its parts; `ref` is the full form. @public */
export interface GroupRef {
  /** `group:<namespace>/<name>`, kind and namespace in lower case. */
  ref: string;
  namespace: string;
  name: string;
}

/**
 * Parses `team-a`, `group:team-a` or `group:default/team-a` into a full group ref, or
 * returns why that is not possible (a user ref, an invalid name, ...).
 *
 * @public
 */
export function parseGroupRef(
  value: string,
): { group: GroupRef; problem?: undefined } | { problem: string } {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? 'group' : value.slice(0, colon).toLowerCase();
  if (kind !== 'group') {
    return {
      problem: `must be a group, e.g. group:default/team-a; '${value}' is a ${
        kind || 'ref without a kind'
      }`,
    };
  }
  const rest = value.slice(colon + 1);
  const slash = rest.indexOf('/');
  const namespace = slash < 0 ? 'default' : rest.slice(0, slash).toLowerCase();
  const name = slash < 0 ? rest : rest.slice(slash + 1);
  if (!ENTITY_NAMESPACE.test(namespace) || namespace.length > 63) {
    return {
      problem: `has an invalid namespace '${namespace}'; use e.g. group:default/team-a`,
    };
  }
  if (!ENTITY_NAME.test(name) || name.length > 63) {
    return {
      problem: `'${value}' is not a valid group reference; use e.g. team-a or group:default/team-a`,
    };
  }
  return { group: { ref: `group:${namespace}/${name}`, namespace, name } };
}

/**
 * The Kubernetes group name a catalog group becomes in RoleBindings (and in OIDC group
 * claims): its name alone for groups of the `default` catalog namespace, `team-a`, and
 * `<namespace>/<name>` for any other, `other/team-a`, so two catalog groups never map to
 * the same Kubernetes group.
 *
 * @public
 */
export function kubernetesGroupName(group: GroupRef): string {
  return group.namespace === 'default'
    ? group.name
    : `${group.namespace}/${group.name}`;
}

/** The full ref of a group, throwing an Error that says why when `value` is not one. @public */
export function normalizeGroupRef(value: string): string {
  const parsed = parseGroupRef(value);
  if (parsed.problem !== undefined) {
    throw new Error(`Group reference ${parsed.problem}`);
  }
  return parsed.group.ref;
}

/** True when two entity refs name the same entity (refs compare case-insensitively). @public */
export function sameEntityRef(a: string, b: string): boolean {
  // toLowerCase() is toLocaleLowerCase('en-US') (only Turkish, Azeri and Lithuanian
  // lower-case differently), without the locale lookup that made it a visible cost of
  // every status request.
  return a === b || a.toLowerCase() === b.toLowerCase();
}
