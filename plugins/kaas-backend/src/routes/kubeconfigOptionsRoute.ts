import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kaasClusterReadPermission } from '@kaas-platform/plugin-kaas-common';
import type { KubeconfigIssuer } from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';

/**
 * GET /kubeconfig-options: the modes the platform can issue and the token lifetimes a
 * download form may offer (`kaas.kubeconfig`); the same for every tenant.
 */
export function kubeconfigOptionsRoute(options: {
  issuer: KubeconfigIssuer;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const router = Router();
  router.get('/kubeconfig-options', async (req, res) => {
    await authorizeCaller(
      req,
      { permission: kaasClusterReadPermission },
      'You are not allowed to read the kubeconfig options',
      options,
    );
    res.json(options.issuer.kubeconfigOptions());
  });
  return router;
}
