export { createKaasTenantCreateAction } from './tenantCreate';
export { createKaasTenantWaitAction } from './tenantWait';
export { createKaasTenantDeleteAction } from './tenantDelete';
export { createXaasInstanceCreateAction } from './instanceCreate';
export { createXaasInstanceWaitAction } from './instanceWait';
export { createXaasInstanceDeleteAction } from './instanceDelete';
