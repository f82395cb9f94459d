import {
  kubernetesGroupName,
  parseGroupRef,
  type GroupRef,
} from '@kaas-platform/plugin-kaas-common';
import type { TenantSettings } from './tenantPolicy';

/**
 * A catalog group as the clusters' authenticators name it, what RoleBindings bind:
 * `kaas.oidc.groupsPrefix` + `team-a` for `group:default/team-a`.
 */
export function clusterGroupName(
  group: GroupRef,
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>,
): string {
  return `${settings.ownerGroupPrefix ?? ''}${kubernetesGroupName(group)}`;
}

/** {@link clusterGroupName} of an owner ref; undefined when it is no group ref. */
export function clusterGroupOfOwner(
  owner: string,
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>,
): string | undefined {
  const parsed = parseGroupRef(owner);
  return 'group' in parsed
    ? clusterGroupName(parsed.group, settings)
    : undefined;
}
