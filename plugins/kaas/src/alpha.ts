import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { kaasApiRef } from './api/KaasApi';
import { KaasClient } from './api/KaasClient';

const kaasApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kaasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new KaasClient(deps),
    }),
});

const clusterPickerField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./components/ClusterPicker/ClusterPicker').then(m =>
        createFormField({
          name: 'KaasClusterPicker',
          component: m.ClusterPicker,
        }),
      ),
  },
});

const profilePickerField = FormFieldBlueprint.make({
  name: 'profile-picker',
  params: {
    field: () =>
      import('./components/ProfilePicker/ProfilePicker').then(m =>
        createFormField({
          name: 'KaasProfilePicker',
          component: m.ProfilePicker,
        }),
      ),
  },
});

/**
 * The kaas frontend plugin for the new frontend system: the kaas API client and the
 * template fields `KaasClusterPicker` and `KaasProfilePicker`.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kaas',
  extensions: [kaasApi, clusterPickerField, profilePickerField],
});
