import {
  createApiFactory,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { kaasApiRef } from './api/KaasApi';
import { KaasClient } from './api/KaasClient';
import { ClusterPicker } from './components/ClusterPicker/ClusterPicker';
import { PlanPicker } from './components/PlanPicker/PlanPicker';
import { ProfilePicker } from './components/ProfilePicker/ProfilePicker';
import { TenantPicker } from './components/TenantPicker/TenantPicker';

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
