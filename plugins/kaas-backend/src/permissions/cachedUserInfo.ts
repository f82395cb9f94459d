import type {
  BackstageCredentials,
  BackstageUserInfo,
  UserInfoService,
} from '@backstage/backend-plugin-api';

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
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { info: BackstageUserInfo; expires: number }>();
  const pending = new Map<string, Promise<BackstageUserInfo>>();

  return {
    getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo> {
      const principal = credentials.principal as {
        type?: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        return userInfo.getUserInfo(credentials);
      }
      const key = principal.userEntityRef;
      const entry = kept.get(key);
      if (entry && entry.expires > now()) return Promise.resolve(entry.info);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const asked = userInfo
        .getUserInfo(credentials)
        .then(info => {
          if (kept.size >= maxEntries) kept.clear();
          kept.set(key, { info, expires: now() + options.ttlMs });
          return info;
        })
        .finally(() => pending.delete(key));
      pending.set(key, asked);
      return asked;
    },
  };
}
