import { ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  type SignInPageProps,
} from '@backstage/plugin-app-react';
import { oidcAuthApiRef } from './oidcAuthApi';

/**
 * `app.signIn: oidc` (the default setup): the company login through the backend's `oidc`
 * provider, a popup to Keycloak's login page. `app.signIn: demo`: the development
 * shortcut, the backend's `demo` provider, which refuses to run outside development.
 */
function PlatformSignIn(props: SignInPageProps) {
  const config = useApi(configApiRef);
  if (config.getOptionalString('app.signIn') === 'demo') {
    return <ProxiedSignInPage {...props} provider="demo" />;
  }
  return (
    <SignInPage
      {...props}
      auto
      title="Kubernetes platform"
      align="center"
      providers={[
        {
          id: 'oidc',
          title: 'Company login',
          message: 'Sign in with your company account',
          apiRef: oidcAuthApiRef,
        },
      ]}
    />
  );
}

export const platformSignInPage = SignInPageBlueprint.make({
  params: { loader: async () => props => <PlatformSignIn {...props} /> },
});
