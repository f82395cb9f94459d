import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kaasOperatorHealthReadPermission } from '@kaas-platform/plugin-kaas-common';
import {
  readOperatorHealth,
  type ClusterRegistry,
  type InstanceService,
  type OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';

/**
 * GET /operator-health (platform admins): per capability and cluster, the operator's
 * Deployment (presence, ready replicas, version) and the served versions of the
 * capability's CRDs, with each problem in words.
 */
export function operatorHealthRoute(options: {
  registry: ClusterRegistry;
  instances: InstanceService;
  owners: Pick<OwnerAuthorizer, 'assertPlatformAdmin'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const router = Router();
  router.get('/operator-health', async (req, res) => {
    await authorizeCaller(
      req,
      { permission: kaasOperatorHealthReadPermission },
      "You are not allowed to see the operators' health",
      options,
    );
    await options.owners.assertPlatformAdmin(
      await options.httpAuth.credentials(req, { allow: ['user'] }),
      "see the operators' health",
    );
    res.json({
      items: await readOperatorHealth(
        options.registry,
        options.instances.capabilities(),
      ),
    });
  });
  return router;
}
