import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  isPlatformAdmin,
  mayActForOwner,
  normalizeGroupRef,
} from '@kaas-platform/plugin-kaas-common';
import {
  readAllowServicePrincipals,
  readPlatformAdmins,
} from '../tenants/readTenantPolicy';

/**
 * Decides whether the caller may act for an owner group: members of the group and of any
 * platform admin group may (`mayActForOwner` in kaas-common, the one definition the
 * permission policy's `IS_TENANT_OWNER` rule shares). Membership is the caller's
 * ownership refs as Backstage's identity carries them (`UserInfoService`), the same
 * claims the permission framework hands a policy; so actions, routes and policy agree.
 *
 * @public
 */
export class OwnerAuthorizer {
  /** Reads `kaas.platformAdmins` and `kaas.allowServicePrincipals`. */
  static fromConfig(
    config: Config,
    options: { userInfo: Pick<UserInfoService, 'getUserInfo'> },
  ): OwnerAuthorizer {
    return new OwnerAuthorizer({
      ...options,
      platformAdmins: readPlatformAdmins(config),
      allowServicePrincipals: readAllowServicePrincipals(config),
    });
  }

  constructor(
    private readonly options: {
      userInfo: Pick<UserInfoService, 'getUserInfo'>;
      /** Full refs of the `kaas.platformAdmins` groups. */
      platformAdmins: string[];
      /** Let service principals (other backends) act for any owner. Default false. */
      allowServicePrincipals?: boolean;
    },
  ) {}

  get platformAdmins(): readonly string[] {
    return this.options.platformAdmins;
  }

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
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    if (
      mayActForOwner(ownershipEntityRefs, group, this.options.platformAdmins)
    ) {
      return;
    }
    throw new NotAllowedError(
      `${userRef} is not a member of ${group} (nor of a platform admin group) and may not act for it; ask a member of ${group} to do it, or to add you to the group (memberships are read at sign-in: sign in again after a change)`,
    );
  }

  /**
   * Resolves when the caller is a member of a platform admin group; throws
   * NotAllowedError saying who may `what` otherwise. Services never are.
   */
  async assertPlatformAdmin(
    credentials: BackstageCredentials,
    what: string,
  ): Promise<void> {
    const admins = this.options.platformAdmins.join(', ') || 'none configured';
    const principal = credentials.principal as { type?: string };
    if (principal.type === 'user') {
      const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
        credentials,
      );
      if (isPlatformAdmin(ownershipEntityRefs, this.options.platformAdmins)) {
        return;
      }
    }
    throw new NotAllowedError(`Only platform admins (${admins}) may ${what}`);
  }
}
