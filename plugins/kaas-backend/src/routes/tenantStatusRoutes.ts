import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  kaasTenantReadPermission,
  tenantEntityRef,
} from '@internal/plugin-kaas-common';
import type {
  InstanceService,
  KaasInventory,
} from '@internal/plugin-kaas-node';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';
import { nameParam } from './pathParams';

/**
 * A tenant's live status and its instances, from the inventory's informer cache: no
 * apiserver call per request, except the connection route, which reads the shown keys
 * of the instance's Secret when asked.
 *
 * GET /tenants/:tenant, /tenants/:tenant/instances, /tenants/:tenant/instances/:instance,
 * /tenants/:tenant/instances/:instance/connection; `kaas.tenant.read` on the tenant.
 */
export function tenantStatusRoutes(options: {
  inventory: KaasInventory;
  instances: InstanceService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { inventory, instances } = options;
  const router = Router();

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
    await inventory.ready();
    if (!inventory.tenant(tenant)) {
      throw new NotFoundError(`Tenant '${tenant}' does not exist`);
    }
    return tenant;
  }

  router.get('/tenants/:tenant', async (req, res) => {
    const tenant = await authorizedTenant(req);
    const status = inventory.tenantStatus(tenant);
    if (!status) throw new NotFoundError(`Tenant '${tenant}' does not exist`);
    res.json(status);
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
      res.json(await instances.connectionDetails(tenant, name));
    },
  );

  return router;
}
