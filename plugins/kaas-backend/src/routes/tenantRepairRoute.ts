import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { kaasTenantCreatePermission } from '@kaas-platform/plugin-kaas-common';
import {
  repairTenantAs,
  type OwnerAuthorizer,
  type TenantService,
} from '@kaas-platform/plugin-kaas-node';
import express from 'express';
import Router from 'express-promise-router';
import { auditedEvent } from './auditedEvent';
import { authorizeCaller } from './authorizeCaller';
import { callerOf } from './ownerOnly';
import { nameParam } from './pathParams';

/**
 * POST /tenants/:tenant/repair `{ dryRun? }`: the Repair button of a drifted tenant.
 * Re-applies what today's policy renders for the tenant (kaas-node `repairTenantAs`);
 * `kaas.tenant.create`, then only members of the owner group recorded on the cluster and
 * platform admins. Audited as `tenant-repair`. Answers `{ tenant, dryRun, changes }`.
 */
export function tenantRepairRoute(options: {
  tenants: TenantService;
  owners: Pick<OwnerAuthorizer, 'assertMayActFor' | 'assertPlatformAdmin'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
}) {
  const { tenants, owners, auditor, logger } = options;
  const router = Router();

  router.post('/tenants/:tenant/repair', express.json(), async (req, res) => {
    const name = nameParam(req, 'tenant');
    const dryRun = req.body?.dryRun ?? false;
    if (typeof dryRun !== 'boolean') {
      throw new InputError('dryRun must be true or false');
    }
    const result = await auditedEvent(
      auditor,
      {
        eventId: 'tenant-repair',
        severityLevel: 'medium',
        request: req,
        meta: { tenant: name, dryRun },
      },
      async () => {
        await authorizeCaller(
          req,
          { permission: kaasTenantCreatePermission },
          `You are not allowed to repair tenant '${name}'`,
          options,
        );
        const { credentials } = await callerOf(req, options.httpAuth);
        const done = await repairTenantAs(
          { tenants, owners },
          credentials,
          name,
          { dryRun, logger: logger.child({ tenant: name }) },
        );
        return {
          result: { tenant: done.tenant, dryRun, changes: done.changes },
          meta: { changes: done.changes.length },
        };
      },
    );
    res.json(result);
  });

  return router;
}
