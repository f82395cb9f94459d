import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { oidcAuthApi } from './oidcAuthApi';
import { platformSignInPage } from './PlatformSignInPage';

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [oidcAuthApi, platformSignInPage],
});
