import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { kaasApiRef } from './api/KaasApi';
import { KaasClient } from './api/KaasClient';
import {
  isKaasInstanceEntity,
  isKaasTenantEntity,
} from './components/shared/kaasEntity';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';

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

/** The Tenants page; its title and icon also make its nav item. @alpha */
export const kaasTenantsPageRouteRef = createRouteRef();

/** `entity-content:kaas/tenant`: the "Tenant" tab of tenant entities. */
const tenantEntityContent = EntityContentBlueprint.make({
  name: 'tenant',
  params: {
    path: 'kaas',
    title: 'Tenant',
    filter: isKaasTenantEntity,
    loader: () =>
      import('./components/TenantContent/EntityKaasTenantContent').then(m => (
        <m.EntityKaasTenantContent />
      )),
  },
});

/** `entity-content:kaas/instance`: the "Instance" tab of XaaS instance entities. */
const instanceEntityContent = EntityContentBlueprint.make({
  name: 'instance',
  params: {
    path: 'kaas',
    title: 'Instance',
    filter: isKaasInstanceEntity,
    loader: () =>
      import('./components/InstanceContent/EntityKaasInstanceContent').then(
        m => <m.EntityKaasInstanceContent />,
      ),
  },
});

/** `page:kaas/tenants`: the Tenants page at /kaas/tenants, listed in the nav. */
const tenantsPage = PageBlueprint.make({
  name: 'tenants',
  params: {
    path: '/kaas/tenants',
    title: 'Tenants',
    icon: <CloudQueueIcon />,
    routeRef: kaasTenantsPageRouteRef,
    loader: () =>
      import('./components/TenantsPage/TenantsPageContent').then(m => (
        <m.TenantsPageContent />
      )),
  },
});

/**
 * The kaas frontend plugin for the new frontend system: the kaas API client, the
 * template fields `KaasClusterPicker`, `KaasProfilePicker`, `KaasTenantPicker` and
 * `KaasPlanPicker`, the "Tenant" and "Instance" entity tabs (path `kaas`) and the
 * Tenants page (/kaas/tenants, nav item "Tenants").
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kaas',
  routes: { tenants: kaasTenantsPageRouteRef },
  extensions: [
    kaasApi,
    clusterPickerField,
    profilePickerField,
    tenantPickerField,
    planPickerField,
    tenantEntityContent,
    instanceEntityContent,
    tenantsPage,
  ],
});
