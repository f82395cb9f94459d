import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { DefaultHttpAuthService } from '@backstage/backend-defaults/httpAuth';
import { verifiedTokenCache } from './verifiedTokenCache';

/**
 * Backstage's own HttpAuthService, with each user token verified once per 10 s instead
 * of on every request (see verifiedTokenCache). Every plugin's requests pass through it,
 * the credentials barrier in front of each plugin's routes included.
 */
export const httpAuthServiceFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: {
    auth: coreServices.auth,
    discovery: coreServices.discovery,
    plugin: coreServices.pluginMetadata,
  },
  factory({ auth, discovery, plugin }) {
    return DefaultHttpAuthService.create({
      auth: verifiedTokenCache(auth, { ttlMs: 10_000 }),
      discovery,
      pluginId: plugin.getId(),
    });
  },
});
