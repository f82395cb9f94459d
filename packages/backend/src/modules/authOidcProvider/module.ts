import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  oidcAuthenticator,
  oidcSignInResolvers,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  authProvidersExtensionPoint,
  commonSignInResolvers,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { keycloakIdMatchingUserEntityAnnotation } from './keycloakIdSignInResolver';

/**
 * Auth provider `oidc`, the company login (Keycloak): Backstage's OIDC authenticator with
 * its resolvers plus `keycloakIdMatchingUserEntityAnnotation`, chosen in
 * `auth.providers.oidc.<env>.signIn.resolvers`. Replaces
 * `@backstage/plugin-auth-backend-module-oidc-provider`'s own module, which registers the
 * same provider id without that resolver.
 */
export const authModuleOidcProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'oidc-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolverFactories: {
              ...commonSignInResolvers,
              ...oidcSignInResolvers,
              keycloakIdMatchingUserEntityAnnotation,
            },
          }),
        });
      },
    });
  },
});
