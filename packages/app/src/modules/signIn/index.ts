import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { demoSignInPage } from './DemoSignInPage';

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [demoSignInPage],
});
