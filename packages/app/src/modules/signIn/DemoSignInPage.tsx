import { ProxiedSignInPage } from '@backstage/core-components';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Signs in through the backend's `demo` provider, which picks a demo user and resolves
 * the user's groups from the catalog. Replace with your SSO provider's sign-in page.
 */
export const demoSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props =>
      <ProxiedSignInPage {...props} provider="demo" />,
  },
});
