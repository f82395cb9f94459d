import { sameEntityRef } from './groupRef';

/**
 * The one definition of "may act for this owner", used by the scaffolder actions, the
 * REST routes (through the permission rule of the `kaas-tenant` resource) and the default
 * permission policy. `claims` are the caller's ownership entity refs as Backstage's
 * identity carries them (the user's own ref and the groups the sign-in resolved);
 * `owner` is the group recorded on the cluster, never a catalog entity's `spec.owner`.
 */

/** True when one of `claims` is a platform admin group (`kaas.platformAdmins`). @public */
export function isPlatformAdmin(
  claims: readonly string[],
  platformAdmins: readonly string[],
): boolean {
  return claims.some(claim =>
    platformAdmins.some(admin => sameEntityRef(admin, claim)),
  );
}

/** True when one of `claims` is the owner group itself. @public */
export function isOwnerMember(
  claims: readonly string[],
  owner: string,
): boolean {
  return !!owner && claims.some(claim => sameEntityRef(claim, owner));
}

/** Members of the owner group and platform admins may act for an owner. @public */
export function mayActForOwner(
  claims: readonly string[],
  owner: string,
  platformAdmins: readonly string[],
): boolean {
  return (
    isOwnerMember(claims, owner) || isPlatformAdmin(claims, platformAdmins)
  );
}
