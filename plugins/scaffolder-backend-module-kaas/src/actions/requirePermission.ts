import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';

/**
 * Asks the permission framework whether the user running the template holds `permission`;
 * refuses with a NotAllowedError that names the permission otherwise.
 */
export async function requirePermission(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
): Promise<void> {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${describePrincipal(credentials)} lacks the permission '${
        permission.name
      }'; ask the platform team to grant it.`,
    );
  }
}

function describePrincipal(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return `User '${principal.userEntityRef}'`;
  }
  if (principal.type === 'service' && principal.subject) {
    return `Service '${principal.subject}'`;
  }
  return 'The caller';
}
