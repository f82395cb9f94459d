export { createKaasTenantCreateAction } from './tenantCreate';
export { createKaasTenantWaitAction } from './tenantWait';
export { createKaasTenantDeleteAction } from './tenantDelete';
