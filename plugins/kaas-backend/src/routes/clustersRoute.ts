import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kaasClusterReadPermission } from '@internal/plugin-kaas-common';
import type { ClusterRegistry } from '@internal/plugin-kaas-node';
import Router from 'express-promise-router';

/** GET /clusters: the configured clusters, for pickers. Never includes credentials. */
export function clustersRoute(options: {
  registry: ClusterRegistry;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { registry, httpAuth, permissions } = options;
  const router = Router();
  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: kaasClusterReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'You are not allowed to list the platform clusters',
      );
    }
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
