/**
 * Frontend of the Kubernetes platform. The new frontend system's plugin is the default
 * export of this package's `/alpha` entry point; this one serves legacy apps.
 *
 * @packageDocumentation
 */
export * from './api/KaasApi';
export { KaasClient } from './api/KaasClient';
export {
  kaasPlugin,
  KaasClusterPickerFieldExtension,
  KaasProfilePickerFieldExtension,
  KaasTenantPickerFieldExtension,
  KaasPlanPickerFieldExtension,
  EntityKaasTenantContent,
  EntityKaasInstanceContent,
  KaasTenantsPage,
} from './plugin';
export {
  kaasTenantsRouteRef,
  kaasTenantContentRouteRef,
  kaasInstanceContentRouteRef,
} from './routes';
export {
  isKaasTenantEntity,
  isKaasInstanceEntity,
} from './components/shared/kaasEntity';
export type { ClusterPickerUiOptions } from './components/ClusterPicker/ClusterPicker';
export type { ProfilePickerUiOptions } from './components/ProfilePicker/ProfilePicker';
export type { PlanPickerUiOptions } from './components/PlanPicker/PlanPicker';
