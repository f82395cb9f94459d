import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { OwnerAuthorizer } from './OwnerAuthorizer';

/**
 * The owner authorizer of a plugin: may the caller act for an owner group?
 * Reads `kaas.platformAdmins` and `kaas.allowServicePrincipals`.
 *
 * @public
 */
export const ownerAuthorizerServiceRef = createServiceRef<OwnerAuthorizer>({
  id: 'kaas.owner-authorizer',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      factory({ config, userInfo }) {
        return OwnerAuthorizer.fromConfig(config, { userInfo });
      },
    }),
});
