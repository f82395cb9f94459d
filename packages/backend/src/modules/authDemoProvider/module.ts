import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { demoUserAuthenticator } from './demoUserAuthenticator';

/**
 * Auth provider `demo`: signs in as a User entity of the catalog, so the token carries
 * the user's real group memberships (resolved from `memberOf`), as an SSO provider would.
 * A development shortcut: not registered at all once the company login
 * (`auth.providers.oidc`) is configured, and refused outside development (see the
 * authenticator), so it is never on beside a real sign-in.
 */
export const authModuleDemoProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (config.has('auth.providers.oidc')) {
          logger.info(
            'demo sign-in is off: the company login (auth.providers.oidc) is configured',
          );
          return;
        }
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoUserAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              });
            },
          }),
        });
      },
    });
  },
});
