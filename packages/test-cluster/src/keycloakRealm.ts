import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './repoPaths';

/** A user of the demo organisation (templates/org/org.yaml). */
export interface DemoOrgUser {
  name: string;
  email: string;
  displayName: string;
  groups: string[];
}

/** The demo organisation's groups and users, read from templates/org/org.yaml. */
export function demoOrganisation(
  file = path.join(REPO_ROOT, 'templates/org/org.yaml'),
): { groups: string[]; users: DemoOrgUser[] } {
  const entities = parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(d => d.toJSON())
    .filter(Boolean);
  return {
    groups: entities
      .filter(e => e.kind === 'Group')
      .map(e => e.metadata.name as string),
    users: entities
      .filter(e => e.kind === 'User')
      .map(e => ({
        name: e.metadata.name,
        email: e.spec.profile?.email ?? `${e.metadata.name}@example.com`,
        displayName: e.spec.profile?.displayName ?? e.metadata.name,
        groups: e.spec.memberOf ?? [],
      })),
  };
}

/** Puts the user's groups (plain names, not paths) into the `groups` claim of every token. */
const groupsClaim = {
  name: 'groups',
  protocol: 'openid-connect',
  protocolMapper: 'oidc-group-membership-mapper',
  config: {
    'full.path': 'false',
    'id.token.claim': 'true',
    'access.token.claim': 'true',
    'userinfo.token.claim': 'true',
    'claim.name': 'groups',
  },
};

/**
 * A Keycloak realm (its import representation) made from an organisation: its groups and
 * users with passwords, a `groups` claim, a confidential client for Backstage and a public
 * client for kubectl (PKCE, loopback redirects, the device grant; the password grant only
 * where `allowPasswordGrant` says, for tests).
 */
export function keycloakRealm(options: {
  realm: string;
  groups: string[];
  users: Array<DemoOrgUser & { password: string }>;
  backstage: { clientId: string; secret: string; redirectUris: string[] };
  kubectl: { clientId: string; allowPasswordGrant?: boolean };
  /** Lifetime of access and ID tokens, in seconds. Default 300. */
  tokenLifespanSeconds?: number;
}) {
  return {
    realm: options.realm,
    enabled: true,
    accessTokenLifespan: options.tokenLifespanSeconds ?? 300,
    groups: options.groups.map(name => ({ name })),
    users: [
      // Backstage's catalog module reads the organisation with these roles only.
      {
        username: `service-account-${options.backstage.clientId}`,
        enabled: true,
        serviceAccountClientId: options.backstage.clientId,
        clientRoles: {
          'realm-management': ['view-users', 'query-users', 'query-groups'],
        },
      },
      ...options.users.map(user => {
        const [firstName, ...rest] = user.displayName.split(' ');
        return {
          username: user.name,
          email: user.email,
          emailVerified: true,
          enabled: true,
          firstName,
          lastName: rest.join(' ') || firstName,
          credentials: [
            { type: 'password', value: user.password, temporary: false },
          ],
          groups: user.groups.map(g => `/${g}`),
        };
      }),
    ],
    clients: [
      {
        clientId: options.backstage.clientId,
        enabled: true,
        publicClient: false,
        secret: options.backstage.secret,
        standardFlowEnabled: true,
        directAccessGrantsEnabled: false,
        redirectUris: options.backstage.redirectUris,
        protocolMappers: [groupsClaim],
        // The catalog reads users and groups as this client (client credentials).
        serviceAccountsEnabled: true,
      },
      {
        clientId: options.kubectl.clientId,
        enabled: true,
        publicClient: true,
        standardFlowEnabled: true,
        directAccessGrantsEnabled: !!options.kubectl.allowPasswordGrant,
        redirectUris: ['http://127.0.0.1:8000/*', 'http://localhost:8000/*'],
        attributes: {
          'pkce.code.challenge.method': 'S256',
          'oauth2.device.authorization.grant.enabled': 'true',
        },
        protocolMappers: [groupsClaim],
      },
    ],
  };
}
