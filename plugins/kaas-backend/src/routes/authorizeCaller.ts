import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/**
 * Authenticates the caller (users and services) and asks the permission framework about
 * one permission, basic (`{ permission }`) or on one catalog entity
 * (`{ permission, resourceRef }`, a conditional policy decision being resolved by the
 * permission backend against the entity); throws NotAllowedError with `refusal` when
 * denied.
 */
export async function authorizeCaller(
  req: Request,
  request: AuthorizePermissionRequest,
  refusal: string,
  services: { httpAuth: HttpAuthService; permissions: PermissionsService },
): Promise<void> {
  const credentials = await services.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const [decision] = await services.permissions.authorize([request], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(refusal);
  }
}
