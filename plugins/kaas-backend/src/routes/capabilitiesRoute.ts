import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kaasCapabilityReadPermission } from '@kaas-platform/plugin-kaas-common';
import type { InstanceService } from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';

/**
 * GET /capabilities: the XaaS offerings with their plans and parameter schemas, for the
 * plan picker and the parameter forms, and what stops new instances now
 * (`operatorProblems`). Object templates and connection rules stay inside.
 */
export function capabilitiesRoute(options: {
  instances: InstanceService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  operatorProblems(): Promise<Map<string, string[]>>;
}) {
  const router = Router();
  router.get('/capabilities', async (req, res) => {
    await authorizeCaller(
      req,
      { permission: kaasCapabilityReadPermission },
      'You are not allowed to list the capabilities',
      options,
    );
    const problems = await options.operatorProblems();
    res.json({
      items: options.instances.capabilities().map(capability => ({
        id: capability.id,
        title: capability.title,
        description: capability.description,
        owner: capability.owner,
        parameters: capability.parameters,
        plans: Object.entries(capability.plans).map(([name, plan]) => ({
          name,
          title: plan.title,
          description: plan.description,
          parameters: plan.parameters,
        })),
        ...(problems.get(capability.id)?.length
          ? { operatorProblems: problems.get(capability.id) }
          : {}),
      })),
    });
  });
  return router;
}
