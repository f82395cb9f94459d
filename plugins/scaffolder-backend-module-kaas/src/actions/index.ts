export { createKaasTenantCreateAction } from './tenantCreate';
export { createKaasTenantWaitAction } from './tenantWait';
export { createKaasTenantDeleteAction } from './tenantDelete';
export { createKaasTenantUpdateAction } from './tenantUpdate';
export { createKaasTenantReconcileAction } from './tenantReconcile';
export { createXaasInstanceCreateAction } from './instanceCreate';
export { createXaasInstanceWaitAction } from './instanceWait';
export { createXaasInstanceDeleteAction } from './instanceDelete';
export type {
  KaasTenantCreateInput,
  KaasTenantCreateOutput,
  KaasTenantDeleteInput,
  KaasTenantDeleteOutput,
  KaasTenantChange,
  KaasTenantUpdateInput,
  KaasTenantReconcileInput,
  KaasTenantReconcileOutput,
  KaasTenantUpdateOutput,
  KaasTenantWaitCondition,
  KaasTenantWaitInput,
  KaasTenantWaitOutput,
  XaasInstanceConnection,
  XaasInstanceCreateInput,
  XaasInstanceCreateOutput,
  XaasInstanceDeleteInput,
  XaasInstanceDeleteOutput,
  XaasInstanceWaitInput,
  XaasInstanceWaitOutput,
} from './actionTypes';
