import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KeycloakServer } from './keycloak';
import type { LocalCluster } from './localCluster';
import { processGroupRssBytes } from './processMemory';
import { KUBECTL } from './repoPaths';
import {
  SSO_KUBECTL_CLIENT as KUBECTL_CLIENT,
  SSO_REALM as REALM,
  startSsoEnvironment,
  type SsoEnvironment,
} from './ssoEnvironment';
import { waitFor } from './waitFor';

const execFileAsync = promisify(execFile);

/** An RS256 JWT signed with `key`: what an attacker can make without Keycloak's key. */
function signedJwt(claims: Record<string, unknown>, key: crypto.KeyObject) {
  const part = (value: object) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({
    alg: 'RS256',
    typ: 'JWT',
    kid: 'attacker',
  })}.${part(claims)}`;
  const signature = crypto
    .sign('RSA-SHA256', Buffer.from(unsigned), key)
    .toString('base64url');
  return `${unsigned}.${signature}`;
}

/**
 * Single sign-on at the API servers: a real Keycloak on loopback (TLS from a CA of its
 * own) with a realm made from the demo organisation, and two local control planes (a
 * tenants cluster and an XaaS cluster) whose kube-apiservers trust it through the
 * structured authentication configuration. kubectl uses the ID tokens Keycloak issues.
 */
describe('Keycloak and two API servers that trust it (real Keycloak, real kube-apiservers, real kubectl)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-keycloak-test-'));
  let sso: SsoEnvironment;
  let keycloak: KeycloakServer;
  let clusters: LocalCluster[];
  let figures = '';

  beforeAll(async () => {
    sso = await startSsoEnvironment({ dir, clusters: ['tenants', 'xaas'] });
    ({ keycloak, clusters } = sso);
    const rssMiB = Math.round(processGroupRssBytes(keycloak.pid) / 2 ** 20);
    figures = `Keycloak: ready ${sso.keycloakReadyMs} ms after launch (fetch included), RSS of its processes ${rssMiB} MiB`;
  }, 600_000);

  afterAll(async () => {
    await sso?.stop();
    console.log(figures);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const idToken = (user: string) => sso.idToken(user);

  /** kubectl with nothing but the cluster's address, its CA and `token`. */
  const kubectlWith = (
    cluster: LocalCluster,
    token: string,
    ...args: string[]
  ) =>
    execFileAsync(KUBECTL, [
      '--kubeconfig=/dev/null',
      `--server=${cluster.url}`,
      `--certificate-authority=${cluster.caFile}`,
      `--token=${token}`,
      ...args,
    ]).then(
      ({ stdout }) => ({ ok: true, out: stdout }),
      error => ({ ok: false, out: String(error.stderr ?? error) }),
    );

  const admin = (cluster: LocalCluster, ...args: string[]) =>
    execFileAsync(KUBECTL, ['--kubeconfig', cluster.adminKubeconfig, ...args]);

  it('both API servers see a Keycloak user with their groups, under the oidc: prefix', async () => {
    const token = await idToken('alice');
    for (const cluster of clusters) {
      const whoami = await kubectlWith(
        cluster,
        token,
        'auth',
        'whoami',
        '-o',
        'json',
      );
      expect(whoami.ok).toBe(true);
      const { userInfo } = JSON.parse(whoami.out).status;
      expect(userInfo.username).toBe('oidc:alice');
      expect(userInfo.groups).toEqual(
        expect.arrayContaining(['oidc:team-a', 'system:authenticated']),
      );
    }
  });

  it("refuses, on both, a token of another issuer, one forged for Keycloak's issuer, an expired one, and makes a system:masters claim mean nothing", async () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: KUBECTL_CLIENT,
      sub: 'attacker',
      preferred_username: 'alice',
      groups: ['team-a', 'system:masters'],
      iat: now,
      exp: now + 600,
    };
    const otherIssuer = signedJwt(
      { ...claims, iss: 'https://127.0.0.1:1/realms/elsewhere' },
      privateKey,
    );
    const forged = signedJwt(
      { ...claims, iss: keycloak.issuer(REALM) },
      privateKey,
    );
    // A real token of Keycloak's that expires in 5 s: kubectl's client gets that lifespan
    // for one token.
    const adminToken = await keycloak.adminToken();
    const clientsPath = `/admin/realms/${REALM}/clients`;
    const [client] = (
      await keycloak.request(
        'GET',
        `${clientsPath}?clientId=${KUBECTL_CLIENT}`,
        { token: adminToken },
      )
    ).body;
    const withLifespan = (attributes: Record<string, string>) =>
      keycloak.request('PUT', `${clientsPath}/${client.id}`, {
        token: adminToken,
        json: { ...client, attributes },
      });
    await withLifespan({
      ...client.attributes,
      'access.token.lifespan': '5',
    });
    const shortLived = await idToken('alice');
    // An empty value takes the client back to the realm's lifespan.
    await withLifespan({ ...client.attributes, 'access.token.lifespan': '' });
    const { exp } = JSON.parse(
      Buffer.from(shortLived.split('.')[1], 'base64url').toString(),
    );
    expect(exp - now).toBeLessThanOrEqual(10);
    for (const cluster of clusters) {
      expect(
        (await kubectlWith(cluster, shortLived, 'auth', 'whoami')).ok,
      ).toBe(true);
    }
    // Past its expiry and the API server's 10 s cache of a successful authentication.
    await new Promise(resolve =>
      setTimeout(resolve, (exp + 11) * 1000 - Date.now()),
    );
    const mallory = await idToken('mallory');

    for (const cluster of clusters) {
      for (const token of [otherIssuer, forged, shortLived]) {
        const refused = await kubectlWith(cluster, token, 'get', 'namespaces');
        expect(refused).toEqual({
          ok: false,
          out: expect.stringMatching(/Unauthorized|must be logged in/),
        });
      }
      const whoami = JSON.parse(
        (await kubectlWith(cluster, mallory, 'auth', 'whoami', '-o', 'json'))
          .out,
      ).status.userInfo;
      expect(whoami.groups).toContain('oidc:system:masters');
      expect(whoami.groups).not.toContain('system:masters');
      const secrets = await kubectlWith(
        cluster,
        mallory,
        'get',
        'secrets',
        '-A',
      );
      expect(secrets).toEqual({
        ok: false,
        out: expect.stringContaining('Forbidden'),
      });
    }
  });

  it('a RoleBinding to the OIDC group gives its members a namespace on each cluster; removing alice from the group in Keycloak ends her access at her next token', async () => {
    const namespace = `sso-${crypto.randomBytes(3).toString('hex')}`;
    for (const cluster of clusters) {
      await admin(cluster, 'create', 'namespace', namespace);
      await admin(
        cluster,
        'create',
        'rolebinding',
        'team-a-edit',
        '-n',
        namespace,
        '--clusterrole=edit',
        '--group=oidc:team-a',
      );
    }
    const [alice, bob] = [await idToken('alice'), await idToken('bob')];
    for (const cluster of clusters) {
      expect(
        (
          await kubectlWith(
            cluster,
            alice,
            'get',
            'configmaps',
            '-n',
            namespace,
          )
        ).ok,
      ).toBe(true);
      expect(
        await kubectlWith(cluster, bob, 'get', 'configmaps', '-n', namespace),
      ).toEqual({ ok: false, out: expect.stringContaining('Forbidden') });
    }

    // The admin REST API, as a script would do it: alice leaves team-a.
    await sso.removeFromGroup('alice', 'team-a');

    // Her next token has no team-a: refused on both, with no RoleBinding edited.
    const after = await idToken('alice');
    for (const cluster of clusters) {
      const refused = await waitFor(
        async () => {
          const result = await kubectlWith(
            cluster,
            after,
            'get',
            'configmaps',
            '-n',
            namespace,
          );
          return result.ok ? undefined : result;
        },
        {
          timeoutMs: 30_000,
          describe: () => 'alice still reads after leaving team-a',
        },
      );
      expect(refused.out).toContain('Forbidden');
    }
    // The token she had before still works until it expires (the realm's lifespan).
    const exp = JSON.parse(
      Buffer.from(alice.split('.')[1], 'base64url').toString(),
    ).exp;
    figures += `; a token issued before leaving the group stays valid ${
      exp - Math.floor(Date.now() / 1000)
    } s more (realm token lifespan 300 s)`;
  });
});
