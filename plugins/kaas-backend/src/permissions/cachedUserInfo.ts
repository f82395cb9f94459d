import type {
  BackstageCredentials,
  BackstageUserInfo,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { refreshingCache } from './refreshingCache';

/** Options of {@link cachedUserInfo}. */
export interface CachedUserInfoOptions {
  /** How long a user's ownership refs are reused, e.g. 10 s. */
  ttlMs: number;
  /** Users kept at most; the cache is emptied when it is full. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * A UserInfoService that reuses each user's ownership refs for `ttlMs`. Backstage's
 * tokens leave the refs out (`auth.omitIdentityTokenOwnershipClaim`), so every
 * `getUserInfo` is an HTTP round trip to the auth backend, which verifies the token again
 * and reads its database: the largest cost of a status request after the HTTP stack
 * (bench/statusApi.ts, KAAS_BENCH_CPU_PROFILE). For read routes only, like
 * `cachedReadDecisions`: kubeconfigs and credentials ask every time. The auth backend
 * keeps one set of refs per user, written at sign-in, so the key is the user.
 */
export function cachedUserInfo(
  userInfo: Pick<UserInfoService, 'getUserInfo'>,
  options: CachedUserInfoOptions,
): Pick<UserInfoService, 'getUserInfo'> {
  const kept = refreshingCache<BackstageUserInfo>(options);

  return {
    getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo> {
      const principal = credentials.principal as {
        type?: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        return userInfo.getUserInfo(credentials);
      }
      return kept.get(principal.userEntityRef, () =>
        userInfo.getUserInfo(credentials),
      );
    },
  };
}
