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

const tenantPickerField = FormFieldBlueprint.make({
  name: 'tenant-picker',
  params: {
    field: () =>
      import('./components/TenantPicker/TenantPicker').then(m =>
        createFormField({
          name: 'KaasTenantPicker',
          component: m.TenantPicker,
        }),
      ),
  },
});

const planPickerField = FormFieldBlueprint.make({
  name: 'plan-picker',
  params: {
    field: () =>
      import('./components/PlanPicker/PlanPicker').then(m =>
        createFormField({ name: 'KaasPlanPicker', component: m.PlanPicker }),
      ),
  },
});

/**
 * The kaas frontend plugin for the new frontend system: the kaas API client and the
 * template fields `KaasClusterPicker`, `KaasProfilePicker`, `KaasTenantPicker` and
 * `KaasPlanPicker`.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kaas',
  extensions: [
    kaasApi,
    clusterPickerField,
    profilePickerField,
    tenantPickerField,
    planPickerField,
  ],
});
