import type { OidcAuthResult } from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  createSignInResolverFactory,
  type OAuthAuthenticatorResult,
} from '@backstage/plugin-auth-node';

/** The annotation the Keycloak catalog module puts on each User: the Keycloak user id. */
export const KEYCLOAK_ID_ANNOTATION = 'keycloak.org/id';

/**
 * Signs in as the catalog User whose `keycloak.org/id` annotation is the token's `sub`:
 * Keycloak's immutable user id, so no one becomes someone else by changing the email,
 * username or display name they may edit in Keycloak's account console. The User (and
 * with it the groups, `memberOf`) comes from Keycloak through the catalog module; a user
 * Keycloak knows but the catalog does not yet cannot sign in.
 */
export const keycloakIdMatchingUserEntityAnnotation =
  createSignInResolverFactory({
    create() {
      return async (
        info: { result: OAuthAuthenticatorResult<OidcAuthResult> },
        ctx,
      ) => {
        const sub = info.result.fullProfile.userinfo.sub;
        if (!sub) {
          throw new Error('The ID token from the login has no sub claim');
        }
        return ctx.signInWithCatalogUser({
          annotations: { [KEYCLOAK_ID_ANNOTATION]: sub },
        });
      };
    },
  });
