import { createRouteRef } from '@backstage/core-plugin-api';

/** The Tenants page, /kaas/tenants (legacy frontend system). @public */
export const kaasTenantsRouteRef = createRouteRef({ id: 'kaas-tenants' });

/** The Tenant tab of a tenant entity (legacy frontend system). @public */
export const kaasTenantContentRouteRef = createRouteRef({
  id: 'kaas-tenant-content',
});

/** The Instance tab of an instance entity (legacy frontend system). @public */
export const kaasInstanceContentRouteRef = createRouteRef({
  id: 'kaas-instance-content',
});
