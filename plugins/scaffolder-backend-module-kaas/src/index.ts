/**
 * Scaffolder actions of the kaas plugins: create, wait for and delete Kubernetes tenants
 * and XaaS instances from Software Templates.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKaas as default } from './module';
export * from './actions';
