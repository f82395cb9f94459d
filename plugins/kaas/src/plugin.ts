import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import type { JSX } from 'react';
import { kaasApiRef } from './api/KaasApi';
import { KaasClient } from './api/KaasClient';
import { ClusterPicker } from './components/ClusterPicker/ClusterPicker';
import { PlanPicker } from './components/PlanPicker/PlanPicker';
import { ProfilePicker } from './components/ProfilePicker/ProfilePicker';
import { TenantPicker } from './components/TenantPicker/TenantPicker';
import {
  kaasInstanceContentRouteRef,
  kaasTenantContentRouteRef,
  kaasTenantsRouteRef,
} from './routes';

/** The kaas frontend plugin for apps on the legacy frontend system. @public */
export const kaasPlugin = createPlugin({
  id: 'kaas',
  apis: [
    createApiFactory({
      api: kaasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new KaasClient(deps),
    }),
  ],
  routes: {
    tenants: kaasTenantsRouteRef,
    tenantContent: kaasTenantContentRouteRef,
    instanceContent: kaasInstanceContentRouteRef,
  },
});

/** Template field `KaasClusterPicker` (legacy frontend system). @public */
export const KaasClusterPickerFieldExtension = kaasPlugin.provide(
  createScaffolderFieldExtension({
    name: 'KaasClusterPicker',
    component: ClusterPicker,
  }),
);

/** Template field `KaasProfilePicker` (legacy frontend system). @public */
export const KaasProfilePickerFieldExtension = kaasPlugin.provide(
  createScaffolderFieldExtension({
    name: 'KaasProfilePicker',
    component: ProfilePicker,
  }),
);

/** Template field `KaasTenantPicker` (legacy frontend system). @public */
export const KaasTenantPickerFieldExtension = kaasPlugin.provide(
  createScaffolderFieldExtension({
    name: 'KaasTenantPicker',
    component: TenantPicker,
  }),
);

/** Template field `KaasPlanPicker` (legacy frontend system). @public */
export const KaasPlanPickerFieldExtension = kaasPlugin.provide(
  createScaffolderFieldExtension({
    name: 'KaasPlanPicker',
    component: PlanPicker,
  }),
);

/**
 * The "Tenant" tab of a tenant entity (legacy frontend system): mount it in the entity
 * page of `Resource` entities with `spec.type: kubernetes-tenant`, at path `kaas`.
 *
 * @public
 */
export const EntityKaasTenantContent: () => JSX.Element = kaasPlugin.provide(
  createRoutableExtension({
    name: 'EntityKaasTenantContent',
    component: () =>
      import('./components/TenantContent/EntityKaasTenantContent').then(
        m => m.EntityKaasTenantContent,
      ),
    mountPoint: kaasTenantContentRouteRef,
  }),
);

/**
 * The "Instance" tab of an XaaS instance entity (legacy frontend system): mount it in the
 * entity page of `Resource` entities whose `spec.type` starts with `xaas-`, at path `kaas`.
 *
 * @public
 */
export const EntityKaasInstanceContent: () => JSX.Element = kaasPlugin.provide(
  createRoutableExtension({
    name: 'EntityKaasInstanceContent',
    component: () =>
      import('./components/InstanceContent/EntityKaasInstanceContent').then(
        m => m.EntityKaasInstanceContent,
      ),
    mountPoint: kaasInstanceContentRouteRef,
  }),
);

/** The Tenants page (legacy frontend system), e.g. at /kaas/tenants. @public */
export const KaasTenantsPage: () => JSX.Element = kaasPlugin.provide(
  createRoutableExtension({
    name: 'KaasTenantsPage',
    component: () =>
      import('./components/TenantsPage/KaasTenantsPage').then(
        m => m.KaasTenantsPage,
      ),
    mountPoint: kaasTenantsRouteRef,
  }),
);
