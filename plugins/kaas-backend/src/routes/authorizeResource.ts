import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/**
 * Authenticates the caller (users and services) and asks the permission framework about
 * a resource permission on one catalog entity; throws NotAllowedError with `refusal`
 * when denied. A conditional policy decision is resolved by the permission backend
 * against the entity (e.g. the catalog's isEntityOwner rule).
 */
export async function authorizeResource(
  req: Request,
  permission: ResourcePermission,
  resourceRef: string,
  refusal: string,
  services: { httpAuth: HttpAuthService; permissions: PermissionsService },
): Promise<void> {
  const credentials = await services.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const [decision] = await services.permissions.authorize(
    [{ permission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(refusal);
  }
}
