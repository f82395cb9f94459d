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

import { refreshingCache } from './refreshingCache';

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
  const definite = (result: AuthorizeResult) =>
    result === AuthorizeResult.ALLOW || result === AuthorizeResult.DENY;
  const decisions = refreshingCache<AuthorizePermissionResponse>({
    ...options,
    keep: decision => definite(decision.result),
  });
  /** The policy's decision for a caller and resource permission, whatever the resource. */
  const policyDecisions = refreshingCache<AuthorizeResult>(options);

  const decide = (
    key: string,
    request: AuthorizePermissionRequest,
    opts: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse> =>
    decisions.get(key, () =>
      permissions
        .authorize([request], opts)
        .then(([decision]) =>
          definite(decision.result)
            ? ({ result: decision.result } as AuthorizePermissionResponse)
            : decision,
        ),
    );

  const decideForEveryResource = (
    key: string,
    permission: ResourcePermission,
    opts: PermissionsServiceRequestOptions,
  ): Promise<AuthorizeResult> =>
    policyDecisions.get(key, () =>
      Promise.resolve()
        .then(() => permissions.authorizeConditional([{ permission }], opts))
        .then(
          answers => answers?.[0]?.result ?? AuthorizeResult.CONDITIONAL,
          // A service that cannot answer without the resource: ask per resource, as before.
          () => AuthorizeResult.CONDITIONAL,
        ),
    );

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
