import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/**
 * Authenticates the caller (users and services) and asks the permission framework
 * about a basic permission; throws NotAllowedError with `refusal` when denied.
 */
export async function authorizeBasic(
  req: Request,
  permission: BasicPermission,
  refusal: string,
  services: { httpAuth: HttpAuthService; permissions: PermissionsService },
): Promise<void> {
  const credentials = await services.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const [decision] = await services.permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(refusal);
  }
}
