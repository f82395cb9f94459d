import type {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  kaasTenantListPermission,
  normalizeGroupRef,
  parseGroupRef,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasInventory } from '@kaas-platform/plugin-kaas-node';
import Router from 'express-promise-router';
import { authorizeCaller } from './authorizeCaller';

/**
 * GET /tenants: tenant summaries from the inventory's informer cache. `?owner=<group ref>` keeps one owner's;
 * `?mine=true` keeps those owned by the caller's groups (the template's tenant picker).
 */
export function tenantsRoute(options: {
  inventory: KaasInventory;
  httpAuth: HttpAuthService;
  userInfo: Pick<UserInfoService, 'getUserInfo'>;
  permissions: PermissionsService;
}) {
  const router = Router();
  router.get('/tenants', async (req, res) => {
    await authorizeCaller(
      req,
      { permission: kaasTenantListPermission },
      'You are not allowed to list tenants',
      options,
    );
    await options.inventory.ready();
    let items = options.inventory.tenants();

    const owner = req.query.owner;
    if (owner !== undefined) {
      const parsed =
        typeof owner === 'string' ? parseGroupRef(owner) : undefined;
      if (!parsed || parsed.problem !== undefined) {
        throw new InputError(
          `'owner' must be one group ref, e.g. group:default/team-a${
            parsed?.problem ? `: ${parsed.problem}` : ''
          }`,
        );
      }
      const ref = lowerCased(normalizeGroupRef(owner as string));
      items = items.filter(t => lowerCased(t.owner) === ref);
    }

    if (req.query.mine === 'true') {
      const credentials = await options.httpAuth.credentials(req, {
        allow: ['user'],
      });
      const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
        credentials,
      );
      // One set lookup per tenant: a user in 50 groups and 10,000 tenants are 10,000
      // lookups, not 500,000 comparisons.
      const mine = new Set(ownershipEntityRefs.map(lowerCased));
      items = items.filter(t => mine.has(lowerCased(t.owner)));
    }
    res.json({ items });
  });
  return router;
}

/** Entity refs compare case-insensitively (as `sameEntityRef` compares them). */
function lowerCased(ref: string): string {
  return ref.toLowerCase();
}
