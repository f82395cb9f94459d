import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  kaasTenantReadPermission,
  tenantEntityRef,
} from '@kaas-platform/plugin-kaas-common';
import type {
  InstanceService,
  KaasInventory,
  OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { tenantFromInventory } from '../tenantFromInventory';
import type { OwnerVisibility } from '../visibility/ownerVisibility';
import { authorizeCaller } from './authorizeCaller';
import { nameParam } from './pathParams';

/**
 * A tenant's live status and its instances, from the inventory's informer cache: no
 * apiserver call per request, except the connection route, which reads the shown keys
 * of the instance's Secret when asked.
 *
 * GET /tenants/:tenant, /tenants/:tenant/instances, /tenants/:tenant/instances/:instance,
 * /tenants/:tenant/instances/:instance/connection; `kaas.tenant.read` on the tenant.
 * The tenant's events and its instances' connection details go to those who may act for
 * the owner recorded on the cluster (members, platform admins), unless `kaas.visibility`
 * opens them to every reader: others get the status with `eventsHidden: true`, and 403
 * for connection details.
 */
export function tenantStatusRoutes(options: {
  inventory: KaasInventory;
  instances: InstanceService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  owners: Pick<OwnerAuthorizer, 'mayActFor' | 'platformAdmins'>;
  visibility: OwnerVisibility;
}) {
  const { inventory, instances, httpAuth, owners, visibility } = options;
  const router = Router();

  async function maySee(
    req: Request,
    detail: keyof OwnerVisibility,
    owner: string,
  ): Promise<boolean> {
    if (visibility[detail] === 'everyone') return true;
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    return owners.mayActFor(credentials, owner);
  }

  async function authorizedTenant(req: Request): Promise<string> {
    const tenant = nameParam(req, 'tenant');
    await authorizeCaller(
      req,
      {
        permission: kaasTenantReadPermission,
        resourceRef: tenantEntityRef(tenant),
      },
      `You are not allowed to read tenant '${tenant}'`,
      options,
    );
    await tenantFromInventory(inventory, tenant);
    return tenant;
  }

  router.get('/tenants/:tenant', async (req, res) => {
    const tenant = await authorizedTenant(req);
    const status = inventory.tenantStatus(tenant);
    if (!status) throw new NotFoundError(`Tenant '${tenant}' does not exist`);
    const eventsHidden = !(await maySee(req, 'events', status.owner));
    res.json({
      ...status,
      events: eventsHidden ? [] : status.events,
      eventsHidden,
    });
  });

  router.get('/tenants/:tenant/instances', async (req, res) => {
    const tenant = await authorizedTenant(req);
    res.json({ items: inventory.instances(tenant) });
  });

  router.get('/tenants/:tenant/instances/:instance', async (req, res) => {
    const tenant = await authorizedTenant(req);
    const name = nameParam(req, 'instance');
    const instance = inventory.instance(tenant, name);
    if (!instance) {
      throw new NotFoundError(
        `Instance '${name}' of tenant '${tenant}' does not exist`,
      );
    }
    res.json(instance);
  });

  router.get(
    '/tenants/:tenant/instances/:instance/connection',
    async (req, res) => {
      const tenant = await authorizedTenant(req);
      const name = nameParam(req, 'instance');
      const owner = inventory.tenant(tenant)?.owner ?? '';
      if (!(await maySee(req, 'connectionDetails', owner))) {
        const admins = owners.platformAdmins.length
          ? ` (${owners.platformAdmins.join(', ')})`
          : '';
        throw new NotAllowedError(
          `Only members of ${
            owner || 'the owner group'
          } and platform admins${admins} may see the connection details of instance '${name}' of tenant '${tenant}'`,
        );
      }
      res.json(await instances.connectionDetails(tenant, name));
    },
  );

  return router;
}
