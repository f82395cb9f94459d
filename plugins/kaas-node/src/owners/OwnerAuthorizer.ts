import type {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { normalizeGroupRef, sameEntityRef } from '@internal/plugin-kaas-common';
import {
  readAllowServicePrincipals,
  readPlatformAdmins,
} from '../tenants/readTenantPolicy';

/**
 * Decides whether the caller may act for an owner group: members of the group (the
 * user entity's `memberOf` relations, read from the catalog at call time) and members
 * of any platform admin group may.
 *
 * @public
 */
export class OwnerAuthorizer {
  /** Reads `kaas.platformAdmins` and `kaas.allowServicePrincipals`. */
  static fromConfig(
    config: Config,
    options: { catalog: CatalogService; auth?: AuthService },
  ): OwnerAuthorizer {
    return new OwnerAuthorizer({
      ...options,
      platformAdmins: readPlatformAdmins(config),
      allowServicePrincipals: readAllowServicePrincipals(config),
    });
  }

  constructor(
    private readonly options: {
      catalog: CatalogService;
      /**
       * Used to read the catalog with the plugin's own credentials; without it the
       * catalog is read with the caller's credentials.
       */
      auth?: AuthService;
      /** Full refs of the `kaas.platformAdmins` groups. */
      platformAdmins: string[];
      /** Let service principals (other backends) act for any owner. Default false. */
      allowServicePrincipals?: boolean;
    },
  ) {}

  /** Whether the caller may act for `owner` (see {@link OwnerAuthorizer.assertMayActFor}). */
  async mayActFor(
    credentials: BackstageCredentials,
    owner: string,
  ): Promise<boolean> {
    try {
      await this.assertMayActFor(credentials, owner);
      return true;
    } catch (error) {
      if (error instanceof NotAllowedError) return false;
      throw error;
    }
  }

  /** Resolves when the caller may act for `owner`; throws NotAllowedError otherwise. */
  async assertMayActFor(
    credentials: BackstageCredentials,
    owner: string,
  ): Promise<void> {
    const { auth, catalog, platformAdmins } = this.options;
    const group = normalizeGroupRef(owner);
    const principal = credentials.principal as
      | BackstageUserPrincipal
      | BackstageServicePrincipal
      | { type: string };
    if (principal.type === 'service') {
      if (this.options.allowServicePrincipals) return;
      throw new NotAllowedError(
        `Service '${
          (principal as BackstageServicePrincipal).subject
        }' may not act for ${group}; only users who are members of the group may (set kaas.allowServicePrincipals to allow services)`,
      );
    }
    if (principal.type !== 'user') {
      throw new NotAllowedError(
        `Only signed-in users may act for ${group}; sign in first`,
      );
    }
    const userRef = (principal as BackstageUserPrincipal).userEntityRef;
    const user = await catalog.getEntityByRef(userRef, {
      credentials: auth ? await auth.getOwnServiceCredentials() : credentials,
    });
    const groups = (user?.relations ?? [])
      .filter(r => r.type === 'memberOf')
      .map(r => r.targetRef);
    if (groups.some(g => sameEntityRef(g, group))) return;
    if (groups.some(g => platformAdmins.some(a => sameEntityRef(a, g)))) return;
    throw new NotAllowedError(
      user
        ? `${userRef} is not a member of ${group} (nor of a platform admin group) and may not act for it; ask a member of ${group} to do it, or to add you to the group`
        : `${userRef} is not in the catalog, so its group memberships are unknown; it may not act for ${group}`,
    );
  }
}
