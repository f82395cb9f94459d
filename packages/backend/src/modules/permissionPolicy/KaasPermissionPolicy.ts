import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
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
  kaasPermissions,
  kaasTenantCreatePermission,
  kaasTenantDeletePermission,
  kaasTenantKubeconfigCreatePermission,
  sameEntityRef,
  xaasInstanceCreatePermission,
  xaasInstanceDeletePermission,
  xaasInstanceCredentialsReadPermission,
} from '@internal/plugin-kaas-common';

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
 *   the entity's owner group, decided by the catalog's `isEntityOwner` rule so ownership
 *   is what the catalog (fed from the clusters) says at that moment; everyone else,
 *   services included, is denied;
 * - tenant and instance create/delete: signed-in users (the actions check the owner);
 * - the core Kubernetes plugin's proxy (`kubernetes.proxy`): platform admins only, as it
 *   reaches any namespace with the plugin's credential;
 * - reading kaas status and every other plugin's permission: allowed, as Backstage's
 *   allow-all policy did before this one.
 */
export class KaasPermissionPolicy implements PermissionPolicy {
  constructor(private readonly platformAdmins: readonly string[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (permission.name === kubernetesProxyPermission.name) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return this.isPlatformAdmin(claims) ? allow : deny;
    }
    if (!KAAS_PERMISSIONS.has(permission.name)) return allow;

    if (OWNER_ONLY.has(permission.name)) {
      if (!user || !isResourcePermission(permission, 'catalog-entity')) {
        return deny;
      }
      const claims = user.info.ownershipEntityRefs;
      if (this.isPlatformAdmin(claims)) return allow;
      if (claims.length === 0) return deny;
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (USERS_ONLY.has(permission.name)) return user ? allow : deny;
    return allow;
  }

  private isPlatformAdmin(claims: string[]): boolean {
    return claims.some(claim =>
      this.platformAdmins.some(admin => sameEntityRef(admin, claim)),
    );
  }
}
