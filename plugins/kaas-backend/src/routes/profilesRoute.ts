import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kaasProfileReadPermission } from '@kaas-platform/plugin-kaas-common';
import {
  profileIsolations,
  type TenantService,
} from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';

/** GET /profiles: the tenant profiles (named quota and policy bundles), for pickers. */
export function profilesRoute(options: {
  tenants: TenantService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const router = Router();
  router.get('/profiles', async (req, res) => {
    await authorizeCaller(
      req,
      { permission: kaasProfileReadPermission },
      'You are not allowed to list the tenant profiles',
      options,
    );
    res.json({
      items: Object.values(options.tenants.policy.profiles).map(profile => ({
        name: profile.name,
        title: profile.title,
        description: profile.description,
        isolations: profileIsolations(profile),
        quota: profile.quota.hard,
      })),
    });
  });
  return router;
}
