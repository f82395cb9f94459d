export { permissionModuleKaasPolicy as default } from './module';
