/**
 * The identity provider of the local platform (scripts/start.sh): Keycloak on a fixed
 * loopback port with a realm made from the demo organisation, and the files the rest of
 * the start needs. Runs until SIGTERM, SIGINT or its parent's exit, then stops Keycloak.
 *
 *   node --require <Backstage's nodeTransform> packages/test-cluster/src/localSso.ts \
 *     --dir .local/sso --port 8443 --backstage-url http://localhost:7007
 *
 * Writes into --dir: `secrets.json` (made once, kept: users' passwords, the Backstage
 * client's secret, the session secret, Keycloak's admin password), `authentication-config.json`
 * (what the API servers trust, for `local-cluster up --authentication-config`),
 * `platform.env` (the variables app-config.sso.yaml reads) and `passwords.txt`. Prints
 * `READY <platform.env>` once Keycloak serves the realm.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { oidcAuthenticationConfig } from './apiServerOidc';
import { startKeycloak } from './keycloak';
import { demoOrganisation, keycloakRealm } from './keycloakRealm';
import { SSO_KUBECTL_CLIENT, SSO_REALM } from './ssoEnvironment';

interface LocalSsoSecrets {
  passwords: Record<string, string>;
  backstageClientSecret: string;
  sessionSecret: string;
  adminPassword: string;
}

const secret = () => crypto.randomBytes(18).toString('base64url');

/** The secrets of `dir`, made on the first start and kept (Keycloak keeps its realm). */
function secretsOf(dir: string, users: string[]): LocalSsoSecrets {
  const file = path.join(dir, 'secrets.json');
  const kept: Partial<LocalSsoSecrets> = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : {};
  const secrets: LocalSsoSecrets = {
    passwords: Object.fromEntries(
      users.map(u => [u, kept.passwords?.[u] ?? secret()]),
    ),
    backstageClientSecret: kept.backstageClientSecret ?? secret(),
    sessionSecret: kept.sessionSecret ?? secret(),
    adminPassword: kept.adminPassword ?? secret(),
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '8443' },
      'backstage-url': { type: 'string', default: 'http://localhost:7007' },
    },
  });
  if (!values.dir) throw new Error('--dir is required');
  const dir = path.resolve(values.dir);
  fs.mkdirSync(dir, { recursive: true });
  const org = demoOrganisation();
  const secrets = secretsOf(
    dir,
    org.users.map(u => u.name),
  );
  const backstageUrl = new URL(values['backstage-url']!);
  const handler = '/api/auth/oidc/handler/frame';
  const keycloak = await startKeycloak({
    dir,
    port: Number(values.port),
    adminPassword: secrets.adminPassword,
    realms: [
      keycloakRealm({
        realm: SSO_REALM,
        groups: org.groups,
        users: org.users.map(u => ({
          ...u,
          password: secrets.passwords[u.name],
        })),
        backstage: {
          clientId: 'backstage',
          secret: secrets.backstageClientSecret,
          redirectUris: [
            `${backstageUrl.origin}${handler}`,
            `${backstageUrl.protocol}//127.0.0.1:${backstageUrl.port}${handler}`,
          ],
        },
        kubectl: { clientId: SSO_KUBECTL_CLIENT },
      }),
    ],
  });
  const stop = async () => {
    await keycloak.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Like the control planes' --exit-with-parent: a killed start leaves nothing behind.
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      void stop();
    }
  }, 1000).unref();

  const issuer = keycloak.issuer(SSO_REALM);
  fs.writeFileSync(
    path.join(dir, 'authentication-config.json'),
    oidcAuthenticationConfig({
      issuer,
      audiences: [SSO_KUBECTL_CLIENT, 'backstage'],
      caFile: keycloak.caFile,
    }),
  );
  const env = {
    KAAS_KEYCLOAK_URL: keycloak.url,
    KAAS_KEYCLOAK_ISSUER: issuer,
    KAAS_KEYCLOAK_CA_FILE: keycloak.caFile,
    KAAS_BACKSTAGE_CLIENT_SECRET: secrets.backstageClientSecret,
    KAAS_SESSION_SECRET: secrets.sessionSecret,
  };
  const envFile = path.join(dir, 'platform.env');
  fs.writeFileSync(
    envFile,
    Object.entries(env)
      .map(([key, value]) => `export ${key}='${value}'\n`)
      .join(''),
    { mode: 0o600 },
  );
  fs.writeFileSync(
    path.join(dir, 'passwords.txt'),
    org.users
      .map(
        u =>
          `${u.name} (${u.groups.join(', ')}): ${secrets.passwords[u.name]}\n`,
      )
      .join(''),
    { mode: 0o600 },
  );
  process.stdout.write(`READY ${envFile}\n`);
}

main().catch(error => {
  process.stderr.write(`local Keycloak: ${error?.stack ?? error}\n`);
  process.exit(1);
});
