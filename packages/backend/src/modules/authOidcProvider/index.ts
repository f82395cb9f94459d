export { authModuleOidcProvider as default } from './module';
