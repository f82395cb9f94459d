import type {
  BackstageCredentials,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  type AuthorizePermissionRequest,
  type AuthorizePermissionResponse,
  type Permission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Options of {@link cachedReadDecisions}. */
export interface CachedReadDecisionsOptions {
  /** The permissions whose definite decisions may be reused; never owner-only ones. */
  permissions: Permission[];
  /** How long a decision is reused, e.g. 10 s: policy or group changes apply after it. */
  ttlMs: number;
  /** Entries kept at most; the cache is emptied when it is full. */
  maxEntries?: number;
  now?: () => number;
}

function principalKey(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user') return `user:${principal.userEntityRef}`;
  if (principal.type === 'service') return `service:${principal.subject}`;
  return undefined;
}

/**
 * A PermissionsService that reuses ALLOW/DENY decisions of the given read permissions
 * per caller for `ttlMs`. Every kaas request otherwise makes a round trip to the
 * permission backend, which costs more than serving the status from the inventory (see
 * bench/statusApi.ts). Conditional decisions are never cached, nor any permission not
 * listed: kubeconfigs and credentials are decided every time.
 *
 * A resource permission is first decided without its resource (`authorizeConditional`):
 * when the policy answers ALLOW or DENY for the caller, that holds for every resource,
 * and one round trip serves reads of 10,000 tenants (bench/scale.ts). Only when it
 * answers with conditions is each resource decided, and its definite answer reused.
 */
export function cachedReadDecisions(
  permissions: PermissionsService,
  options: CachedReadDecisionsOptions,
): PermissionsService {
  const cacheable = new Set(options.permissions.map(p => p.name));
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const decisions = new Map<
    string,
    { result: AuthorizeResult; expires: number }
  >();
  // Concurrent first requests of one caller share one round trip.
  const pending = new Map<string, Promise<AuthorizePermissionResponse>>();
  /** The policy's decision for a caller and resource permission, whatever the resource. */
  const policyDecisions = new Map<
    string,
    { result: AuthorizeResult; expires: number }
  >();
  const pendingPolicy = new Map<string, Promise<AuthorizeResult>>();

  function decideForEveryResource(
    key: string,
    permission: ResourcePermission,
    opts: PermissionsServiceRequestOptions,
  ): Promise<AuthorizeResult> {
    const entry = policyDecisions.get(key);
    if (entry && entry.expires > now()) return Promise.resolve(entry.result);
    const inFlight = pendingPolicy.get(key);
    if (inFlight) return inFlight;
    const asked = permissions
      .authorizeConditional([{ permission }], opts)
      .then(([decision]) => {
        if (policyDecisions.size >= maxEntries) policyDecisions.clear();
        policyDecisions.set(key, {
          result: decision.result,
          expires: now() + options.ttlMs,
        });
        return decision.result;
      })
      .finally(() => pendingPolicy.delete(key));
    pendingPolicy.set(key, asked);
    return asked;
  }

  function decide(
    key: string,
    request: AuthorizePermissionRequest,
    opts: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse> {
    const entry = decisions.get(key);
    if (entry && entry.expires > now()) {
      return Promise.resolve({
        result: entry.result,
      } as AuthorizePermissionResponse);
    }
    const inFlight = pending.get(key);
    if (inFlight) return inFlight;
    const asked = permissions
      .authorize([request], opts)
      .then(([decision]) => {
        if (
          decision.result === AuthorizeResult.ALLOW ||
          decision.result === AuthorizeResult.DENY
        ) {
          if (decisions.size >= maxEntries) decisions.clear();
          decisions.set(key, {
            result: decision.result,
            expires: now() + options.ttlMs,
          });
        }
        return decision;
      })
      .finally(() => pending.delete(key));
    pending.set(key, asked);
    return asked;
  }

  return {
    authorizeConditional: (requests, opts) =>
      permissions.authorizeConditional(requests, opts),

    async authorize(
      requests: AuthorizePermissionRequest[],
      opts: PermissionsServiceRequestOptions,
    ): Promise<AuthorizePermissionResponse[]> {
      const caller = principalKey(opts.credentials);
      if (!caller || !requests.every(r => cacheable.has(r.permission.name))) {
        return permissions.authorize(requests, opts);
      }
      return Promise.all(
        requests.map(async request => {
          const { permission } = request;
          const resourceRef =
            'resourceRef' in request ? request.resourceRef ?? '' : '';
          if (resourceRef && isResourcePermission(permission)) {
            const result = await decideForEveryResource(
              `${caller}|${permission.name}`,
              permission,
              opts,
            );
            if (result !== AuthorizeResult.CONDITIONAL) {
              return { result } as AuthorizePermissionResponse;
            }
          }
          return decide(
            `${caller}|${permission.name}|${resourceRef}`,
            request,
            opts,
          );
        }),
      );
    },
  };
}
