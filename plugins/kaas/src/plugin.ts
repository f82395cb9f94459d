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
import { ProfilePicker } from './components/ProfilePicker/ProfilePicker';

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
