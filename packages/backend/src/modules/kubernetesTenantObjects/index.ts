export { kubernetesModuleKaasTenantObjects as default } from './module';
