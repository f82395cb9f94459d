export { createKaasTenantCreateAction } from './tenantCreate';
export { createKaasTenantWaitAction } from './tenantWait';
export { createKaasTenantDeleteAction } from './tenantDelete';
export { createKaasTenantUpdateAction } from './tenantUpdate';
export { createKaasTenantReconcileAction } from './tenantReconcile';
export { createKaasTenantRepairAction } from './tenantRepair';
export { createKaasTenantTransferAction } from './tenantTransfer';
export { createXaasInstanceCreateAction } from './instanceCreate';
export { createXaasInstanceWaitAction } from './instanceWait';
export { createXaasInstanceDeleteAction } from './instanceDelete';
export { createXaasInstanceUpdateAction } from './instanceUpdate';
export { createXaasInstanceOperateAction } from './instanceOperate';
export type {
  KaasTenantCreateInput,
  KaasTenantCreateOutput,
  KaasTenantDeleteInput,
  KaasTenantDeleteOutput,
  KaasTenantChange,
  KaasTenantTransferInput,
  KaasTenantTransferOutput,
  KaasTenantUpdateInput,
  KaasTenantReconcileInput,
  KaasTenantRepairInput,
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
  XaasInstanceOperateInput,
  XaasInstanceOperateOutput,
  XaasInstanceUpdateInput,
  XaasInstanceUpdateOutput,
  XaasInstanceWaitInput,
  XaasInstanceWaitOutput,
} from './actionTypes';
