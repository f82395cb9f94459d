import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Asks the permission framework about an owner-only resource permission (kubeconfigs,
 * credentials) on one catalog entity. A refusal says who may: the owner group's members
 * and the platform admins.
 *
 * Services are refused before the question is asked: Backstage's permission client
 * allows every service principal without consulting the policy (only `externalAccess`
 * access restrictions narrow that), and a service is nobody's group member.
 */
export async function authorizeOwnerOnly(
  credentials: BackstageCredentials,
  request: {
    permission: ResourcePermission;
    resourceRef: string;
    owner: string;
    platformAdmins: string[];
    /** What is refused, e.g. `download a kubeconfig for tenant 'x'`. */
    action: string;
  },
  permissions: PermissionsService,
): Promise<void> {
  const { permission, resourceRef, owner, platformAdmins, action } = request;
  const refusal = () => {
    const admins = platformAdmins.length
      ? ` (${platformAdmins.join(', ')})`
      : '';
    return `Only members of ${
      owner || 'the owner group'
    } and platform admins${admins} may ${action}`;
  };
  if ((credentials.principal as { type?: string }).type !== 'user') {
    throw new NotAllowedError(`${refusal()}; a service cannot`);
  }
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(refusal());
  }
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
