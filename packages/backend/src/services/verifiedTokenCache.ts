import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

/** Options of {@link verifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** How long a verified token's credentials are reused at most, e.g. 10 s. */
  ttlMs: number;
  /** Tokens kept at most; the cache is emptied when it is full. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * An AuthService that verifies each user token once per `ttlMs` instead of on every
 * request. Verifying a Backstage user token is an ES256 signature check, about 130 µs of
 * CPU here, which is more than the rest of an authenticated read costs once its permission
 * decision is cached (bench/statusApi.ts, KAAS_BENCH_CPU_PROFILE).
 *
 * It answers exactly what the wrapped service answered for the same token: Backstage's
 * user tokens are stateless (nothing revokes one before it expires), so a token that
 * verified keeps verifying until its `exp`, and an entry never outlives that. The key is
 * the whole token, signature included, so a token differing in any byte is verified
 * afresh; a failed verification is never kept. (The credentials kept hold the token
 * anyway, for calls on the user's behalf, so keying on it keeps no secret that is not
 * already in memory; hashing it cost 5 µs a request.) Only user credentials with an
 * expiry are kept: everything else, and every other method, goes to the wrapped service.
 */
export function verifiedTokenCache(
  auth: AuthService,
  options: VerifiedTokenCacheOptions,
): AuthService {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const kept = new Map<
    string,
    { credentials: BackstageCredentials; until: number }
  >();
  const pending = new Map<string, Promise<BackstageCredentials>>();

  function verify(
    key: string,
    token: string,
    authenticateOptions?: { allowLimitedAccess?: boolean },
  ): Promise<BackstageCredentials> {
    const verifying = auth
      .authenticate(token, authenticateOptions)
      .then(credentials => {
        const expiresAt = credentials.expiresAt?.getTime();
        if (auth.isPrincipal(credentials, 'user') && expiresAt) {
          if (kept.size >= maxEntries) kept.clear();
          kept.set(key, {
            credentials,
            until: Math.min(now() + options.ttlMs, expiresAt),
          });
        }
        return credentials;
      })
      .finally(() => pending.delete(key));
    pending.set(key, verifying);
    return verifying;
  }

  return {
    authenticate(token, authenticateOptions) {
      const key = `${
        authenticateOptions?.allowLimitedAccess ? 'limited' : 'full'
      }:${token}`;
      const entry = kept.get(key);
      if (entry && now() < entry.until) {
        return Promise.resolve(entry.credentials);
      }
      kept.delete(key);
      return pending.get(key) ?? verify(key, token, authenticateOptions);
    },
    isPrincipal: (credentials, type) => auth.isPrincipal(credentials, type),
    getNoneCredentials: () => auth.getNoneCredentials(),
    getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
    getPluginRequestToken: requestOptions =>
      auth.getPluginRequestToken(requestOptions),
    getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
    listPublicServiceKeys: () => auth.listPublicServiceKeys(),
  };
}
