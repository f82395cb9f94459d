import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { oidcAuthenticationConfig } from './apiServerOidc';
import { startKeycloak, type KeycloakServer } from './keycloak';
import { demoOrganisation, keycloakRealm } from './keycloakRealm';
import { startLocalCluster, type LocalCluster } from './localCluster';

/** The realm and the kubectl client of {@link startSsoEnvironment}. */
export const SSO_REALM = 'kaas';
export const SSO_KUBECTL_CLIENT = 'kubectl';

/** Keycloak and the control planes that trust it, for single sign-on tests. */
export interface SsoEnvironment {
  keycloak: KeycloakServer;
  /** One per name given, each with its own data dir and ports. */
  clusters: LocalCluster[];
  issuer: string;
  /** The confidential client Backstage signs users in with (and reads the organisation as). */
  backstageClient: { clientId: string; secret: string };
  /** Each user's password (random per run). */
  password: Record<string, string>;
  /** An ID token of `user` for the kubectl client (password grant, allowed here). */
  idToken(user: string): Promise<string>;
  /** Takes `user` out of `group` through Keycloak's admin REST API, as a script would. */
  removeFromGroup(user: string, group: string): Promise<void>;
  /** Milliseconds from launching Keycloak to its realm serving (fetch included). */
  keycloakReadyMs: number;
  stop(): Promise<void>;
}

/**
 * Starts Keycloak with a realm of the demo organisation, plus `mallory` in a group named
 * `system:masters` (to prove such a claim means nothing), and one local control plane per
 * name in `clusters`, each trusting the realm through `oidcAuthenticationConfig`.
 */
export async function startSsoEnvironment(options: {
  dir: string;
  clusters: string[];
  /** Where Backstage's backend will listen; its auth handler is the client's redirect URI. */
  backstageUrl?: string;
}): Promise<SsoEnvironment> {
  const { dir } = options;
  const org = demoOrganisation();
  const users = [
    ...org.users,
    {
      name: 'mallory',
      email: 'mallory@example.com',
      displayName: 'Mallory Example',
      groups: ['system:masters'],
    },
  ];
  const password = Object.fromEntries(
    users.map(u => [u.name, crypto.randomBytes(12).toString('base64url')]),
  );
  const backstageClient = {
    clientId: 'backstage',
    secret: crypto.randomBytes(18).toString('base64url'),
  };
  const started = Date.now();
  const keycloak = await startKeycloak({
    dir: path.join(dir, 'keycloak'),
    realms: [
      keycloakRealm({
        realm: SSO_REALM,
        groups: [...org.groups, 'system:masters'],
        users: users.map(u => ({ ...u, password: password[u.name] })),
        backstage: {
          ...backstageClient,
          redirectUris: [
            `${
              options.backstageUrl ?? 'http://127.0.0.1:7007'
            }/api/auth/oidc/handler/frame`,
          ],
        },
        kubectl: { clientId: SSO_KUBECTL_CLIENT, allowPasswordGrant: true },
      }),
    ],
  });
  const keycloakReadyMs = Date.now() - started;
  const issuer = keycloak.issuer(SSO_REALM);
  const clusters: LocalCluster[] = [];
  const stop = async () => {
    for (const cluster of clusters) await cluster.stop();
    await keycloak.stop();
  };
  try {
    const authn = path.join(dir, 'authentication-config.json');
    fs.writeFileSync(
      authn,
      oidcAuthenticationConfig({
        issuer,
        audiences: [SSO_KUBECTL_CLIENT, backstageClient.clientId],
        caFile: keycloak.caFile,
      }),
    );
    for (const name of options.clusters) {
      clusters.push(
        await startLocalCluster({
          dataDir: path.join(dir, name),
          authenticationConfig: authn,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    keycloak,
    clusters,
    issuer,
    password,
    backstageClient,
    keycloakReadyMs,
    stop,
    async removeFromGroup(user, group) {
      const token = await keycloak.adminToken();
      const admin = `/admin/realms/${SSO_REALM}`;
      const [found] = (
        await keycloak.request(
          'GET',
          `${admin}/users?username=${encodeURIComponent(user)}&exact=true`,
          { token },
        )
      ).body;
      const [member] = (
        await keycloak.request(
          'GET',
          `${admin}/groups?search=${encodeURIComponent(group)}&exact=true`,
          { token },
        )
      ).body;
      const removed = await keycloak.request(
        'DELETE',
        `${admin}/users/${found.id}/groups/${member.id}`,
        { token },
      );
      if (removed.status !== 204) {
        throw new Error(`removing ${user} from ${group}: ${removed.status}`);
      }
    },
    async idToken(user) {
      const answer = await keycloak.request(
        'POST',
        `/realms/${SSO_REALM}/protocol/openid-connect/token`,
        {
          form: {
            grant_type: 'password',
            client_id: SSO_KUBECTL_CLIENT,
            username: user,
            password: password[user],
            scope: 'openid',
          },
        },
      );
      if (answer.status !== 200) {
        throw new Error(`token of ${user}: ${answer.status}`);
      }
      return answer.body.id_token;
    },
  };
}
