import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kaasClusterReadPermission } from '@kaas-platform/plugin-kaas-common';
import type { ClusterRegistry } from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';

/** GET /clusters: the configured clusters, for pickers. Never includes credentials. */
export function clustersRoute(options: {
  registry: ClusterRegistry;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { registry } = options;
  const router = Router();
  router.get('/clusters', async (req, res) => {
    await authorizeCaller(
      req,
      { permission: kaasClusterReadPermission },
      'You are not allowed to list the platform clusters',
      options,
    );
    res.json({
      items: registry.list().map(cluster => ({
        name: cluster.name,
        title: cluster.title,
        roles: cluster.roles,
      })),
    });
  });
  return router;
}
