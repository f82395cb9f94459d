import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  KAAS_TENANT_RESOURCE_TYPE,
  isPlatformAdmin,
  kaasPermissions,
  kaasTenantCreatePermission,
  kaasTenantDeletePermission,
  kaasTenantKubeconfigCreatePermission,
  xaasInstanceCreatePermission,
  xaasInstanceDeletePermission,
  xaasInstanceCredentialsReadPermission,
} from '@kaas-platform/plugin-kaas-common';
import {
  createKaasTenantConditionalDecision,
  kaasTenantConditions,
} from '@kaas-platform/plugin-kaas-node';

/** Permissions that hand out access to a tenant or an instance's data. */
const OWNER_ONLY = new Set([
  kaasTenantKubeconfigCreatePermission.name,
  xaasInstanceCredentialsReadPermission.name,
]);

/** Writes that only users may start; the actions check the owner group themselves. */
const USERS_ONLY = new Set([
  kaasTenantCreatePermission.name,
  kaasTenantDeletePermission.name,
  xaasInstanceCreatePermission.name,
  xaasInstanceDeletePermission.name,
]);

const KAAS_PERMISSIONS = new Set(kaasPermissions.map(p => p.name));

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The platform's default policy (docs/tenant-pages-contracts.md, "Permissions"):
 *
 * - kubeconfig download and instance credentials: platform admins, and the members of
 *   the tenant's owner group as its cluster records it (the kaas plugin's
 *   `IS_TENANT_OWNER` rule, applied by the route to the tenant it read); everyone else,
 *   services included, is denied;
 * - tenant and instance create/delete: signed-in users (the actions check the owner);
 * - the core Kubernetes plugin's proxy (`kubernetes.proxy`): platform admins only, as it
 *   reaches any namespace with the plugin's credential;
 * - reading kaas status and every other plugin's permission: allowed, as Backstage's
 *   allow-all policy did before this one;
 * - any kaas permission listed in `kaas.platformAdminOnlyPermissions`: platform admins only.
 *
 * @public
 */
export class KaasPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly platformAdmins: readonly string[],
    /** kaas permissions only platform admins hold (`kaas.platformAdminOnlyPermissions`). */
    private readonly platformAdminOnly: ReadonlySet<string> = new Set(),
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (permission.name === kubernetesProxyPermission.name) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return isPlatformAdmin(claims, this.platformAdmins) ? allow : deny;
    }
    if (!KAAS_PERMISSIONS.has(permission.name)) return allow;
    if (this.platformAdminOnly.has(permission.name)) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return isPlatformAdmin(claims, this.platformAdmins) ? allow : deny;
    }

    if (OWNER_ONLY.has(permission.name)) {
      if (
        !user ||
        !isResourcePermission(permission, KAAS_TENANT_RESOURCE_TYPE)
      ) {
        return deny;
      }
      const claims = user.info.ownershipEntityRefs;
      if (isPlatformAdmin(claims, this.platformAdmins)) return allow;
      if (claims.length === 0) return deny;
      return createKaasTenantConditionalDecision(
        permission,
        kaasTenantConditions.isTenantOwner({ claims }),
      );
    }
    if (USERS_ONLY.has(permission.name)) return user ? allow : deny;
    return allow;
  }
}
