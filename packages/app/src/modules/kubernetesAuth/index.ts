import {
  ApiBlueprint,
  createFrontendModule,
  googleAuthApiRef,
  microsoftAuthApiRef,
} from '@backstage/frontend-plugin-api';
import {
  KubernetesAuthProviders,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { oidcAuthApiRef } from '../signIn/oidcAuthApi';

/**
 * The Kubernetes plugin's auth providers with the company login as `keycloak`: clusters
 * configured with `authProvider: oidc` and `oidcTokenProvider: keycloak`
 * (app-config.sso.yaml) get the signed-in user's ID token, so the plugin reads with the
 * user's own RBAC. Replaces the plugin's `api:kubernetes/auth-providers`.
 */
export const kubernetesAuthModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [
    ApiBlueprint.make({
      name: 'auth-providers',
      params: defineParams =>
        defineParams({
          api: kubernetesAuthProvidersApiRef,
          deps: {
            googleAuthApi: googleAuthApiRef,
            microsoftAuthApi: microsoftAuthApiRef,
            keycloakAuthApi: oidcAuthApiRef,
          },
          factory: ({ googleAuthApi, microsoftAuthApi, keycloakAuthApi }) =>
            new KubernetesAuthProviders({
              googleAuthApi,
              microsoftAuthApi,
              oidcProviders: { keycloak: keycloakAuthApi },
            }),
        }),
    }),
  ],
});
