/**
 * Scaffolder actions of the kaas plugins: create, wait for and delete Kubernetes tenants
 * from Software Templates.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKaas as default } from './module';
export * from './actions';
