import fs from 'node:fs';

/**
 * kube-apiserver's structured authentication configuration (`--authentication-config`)
 * trusting one OIDC issuer: ID tokens for any of `audiences` (kubectl's client, and
 * Backstage's so that the Kubernetes plugin can read as the signed-in user), the username from
 * `preferred_username` and the groups from `groups`, both with `prefix` so that no token
 * can name a `system:` user or group (a `system:masters` group claim becomes
 * `<prefix>system:masters`, which nothing binds).
 */
export function oidcAuthenticationConfig(options: {
  issuer: string;
  audiences: string[];
  caFile: string;
  prefix?: string;
}): string {
  const prefix = options.prefix ?? 'oidc:';
  return JSON.stringify(
    {
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AuthenticationConfiguration',
      jwt: [
        {
          issuer: {
            url: options.issuer,
            audiences: options.audiences,
            ...(options.audiences.length > 1
              ? { audienceMatchPolicy: 'MatchAny' }
              : {}),
            certificateAuthority: fs.readFileSync(options.caFile, 'utf8'),
          },
          claimMappings: {
            username: { claim: 'preferred_username', prefix },
            groups: { claim: 'groups', prefix },
          },
        },
      ],
    },
    null,
    2,
  );
}
