import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  kaasTenantReadPermission,
  tenantEntityRef,
  type InstanceOperationsInfo,
} from '@kaas-platform/plugin-kaas-common';
import {
  instanceOperationsFor,
  type InstanceService,
  type OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';
import { nameParam } from './pathParams';

/**
 * GET /tenants/:tenant/instances/:instance/operations: the day-2 operations the
 * instance's capability declares, each with whether the caller may run it (the rule
 * `xaas:instance:operate` applies), and the objects earlier runs created with their phase,
 * newest first; `kaas.tenant.read` on the tenant. Running one goes through the
 * operation's generated template `xaas-<capability>-op-<operation>` (the scaffolder
 * action), as every change of an instance from its page does.
 */
export function instanceOperationsRoute(options: {
  instances: InstanceService;
  owners: Pick<OwnerAuthorizer, 'assertMayActFor' | 'assertPlatformAdmin'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { instances, owners, httpAuth } = options;
  const router = Router();
  router.get(
    '/tenants/:tenant/instances/:instance/operations',
    async (req, res) => {
      const tenant = nameParam(req, 'tenant');
      const name = nameParam(req, 'instance');
      await authorizeCaller(
        req,
        {
          permission: kaasTenantReadPermission,
          resourceRef: tenantEntityRef(tenant),
        },
        `You are not allowed to read tenant '${tenant}'`,
        options,
      );
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const operations = await instanceOperationsFor(
        { instances, owners },
        credentials,
        tenant,
        name,
      );
      const body: InstanceOperationsInfo = {
        operations,
        history: operations.length
          ? await instances.operationHistory(tenant, name)
          : [],
      };
      res.json(body);
    },
  );
  return router;
}
