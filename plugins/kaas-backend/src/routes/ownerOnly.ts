import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { KAAS_TENANT_RESOURCE_TYPE } from '@kaas-platform/plugin-kaas-common';
import type { KaasTenantResource } from '@kaas-platform/plugin-kaas-node';

/** Applies a conditional decision to a tenant (`createConditionAuthorizer` of the `kaas-tenant` rules). */
export type TenantConditionsAuthorizer = (
  decision: PolicyDecision,
  tenant: KaasTenantResource,
) => boolean;

/** How the owner-only routes ask: the permission service, and the tenant conditions. */
export interface OwnerOnlyPermissions {
  permissions: PermissionsService;
  applyTenantConditions: TenantConditionsAuthorizer;
}

/**
 * Asks the permission framework about an owner-only permission (kubeconfigs,
 * credentials) on one tenant, as the cluster records it: a conditional decision (the
 * default policy's `IS_TENANT_OWNER`) is applied here to the tenant the route has just
 * read, so the answer never waits for the catalog nor trusts a catalog entity. A refusal
 * says who may: the owner group's members and the platform admins.
 *
 * Services are refused before the question is asked: Backstage's permission client
 * allows every service principal without consulting the policy (only `externalAccess`
 * access restrictions narrow that), and a service is nobody's group member.
 */
export async function authorizeOwnerOnly(
  credentials: BackstageCredentials,
  request: {
    permission: ResourcePermission<typeof KAAS_TENANT_RESOURCE_TYPE>;
    tenant: KaasTenantResource;
    platformAdmins: string[];
    /** What is refused, e.g. `download a kubeconfig for tenant 'x'`. */
    action: string;
  },
  { permissions, applyTenantConditions }: OwnerOnlyPermissions,
): Promise<void> {
  const { permission, tenant, platformAdmins, action } = request;
  const refusal = () => {
    const admins = platformAdmins.length
      ? ` (${platformAdmins.join(', ')})`
      : '';
    return `Only members of ${
      tenant.owner || 'the owner group'
    } and platform admins${admins} may ${action}`;
  };
  if ((credentials.principal as { type?: string }).type !== 'user') {
    throw new NotAllowedError(`${refusal()}; a service cannot`);
  }
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  const allowed =
    decision.result === AuthorizeResult.ALLOW ||
    (decision.result === AuthorizeResult.CONDITIONAL &&
      decision.resourceType === KAAS_TENANT_RESOURCE_TYPE &&
      applyTenantConditions(decision, tenant));
  if (!allowed) throw new NotAllowedError(refusal());
}

/** Users and services only; the entity ref (or service subject) things are issued to. */
export async function callerOf(
  req: Parameters<HttpAuthService['credentials']>[0],
  httpAuth: HttpAuthService,
): Promise<{ credentials: BackstageCredentials; ref: string }> {
  const credentials = await httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string };
  return {
    credentials,
    ref:
      principal.type === 'user' ? principal.userEntityRef : principal.subject,
  };
}
