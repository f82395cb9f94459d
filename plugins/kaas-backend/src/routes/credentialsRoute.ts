import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  xaasInstanceCredentialsReadPermission,
  type InstanceCredentials,
} from '@kaas-platform/plugin-kaas-common';
import type {
  InstanceService,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { auditedEvent } from './auditedEvent';
import {
  authorizeOwnerOnly,
  callerOf,
  type OwnerOnlyPermissions,
} from './ownerOnly';
import { nameParam } from './pathParams';

/**
 * POST /tenants/:tenant/instances/:instance/credentials: every key and value of the
 * instance's connection Secret ("reveal credentials"); `xaas.instance.credentials.read`
 * on the instance's tenant, as its cluster records it. A POST, so no cache or prefetch keeps it; audited with the
 * key names only.
 */
export function credentialsRoute(options: {
  instances: InstanceService;
  tenants: TenantService;
  httpAuth: HttpAuthService;
  permissions: OwnerOnlyPermissions;
  auditor: AuditorService;
}) {
  const { instances, tenants, httpAuth, permissions, auditor } = options;
  const router = Router();
  router.post(
    '/tenants/:tenant/instances/:instance/credentials',
    async (req, res) => {
      const caller = await callerOf(req, httpAuth);
      const credentials = await auditedEvent(
        auditor,
        {
          eventId: 'instance-credentials-read',
          severityLevel: 'high',
          request: req,
          meta: { tenant: req.params.tenant, instance: req.params.instance },
        },
        async () => {
          const tenant = nameParam(req, 'tenant');
          const name = nameParam(req, 'instance');
          // Decided on the tenant's owner, from its home namespace, which the tenant's own
          // members cannot edit (they can edit the instance objects in their namespace).
          const owner = await tenants.get(tenant);
          const instance = owner && (await instances.get(tenant, name));
          if (!owner || !instance) {
            throw new NotFoundError(
              `Instance '${name}' of tenant '${tenant}' does not exist`,
            );
          }
          await authorizeOwnerOnly(
            caller.credentials,
            {
              permission: xaasInstanceCredentialsReadPermission,
              tenant: owner,
              platformAdmins: tenants.policy.platformAdmins,
              action: `read the credentials of instance '${name}' of tenant '${tenant}'`,
            },
            permissions,
          );
          const result: InstanceCredentials = await instances.credentials(
            tenant,
            name,
          );
          const meta = {
            tenant,
            instance: name,
            secretName: result.secretName,
            keys: Object.keys(result.values),
          };
          return { result, meta };
        },
      );
      res.set('Cache-Control', 'no-store');
      res.json(credentials);
    },
  );
  return router;
}
