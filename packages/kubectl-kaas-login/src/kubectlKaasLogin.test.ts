import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  KUBECTL,
  SSO_KUBECTL_CLIENT,
  startSsoEnvironment,
  type SsoEnvironment,
} from '@internal/kaas-test-cluster';

const execFileAsync = promisify(execFile);
const PLUGIN = path.resolve(__dirname, '../bin/kubectl-kaas_login.mjs');

/**
 * The exec credential plugin as kubectl runs it (`kubectl kaas-login`, found on PATH as
 * kubectl-kaas_login), against a real Keycloak and two API servers that trust it. The
 * password grant stands in for the device grant's browser step.
 */
describe('kubectl kaas-login against a real Keycloak and two API servers that trust it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-login-test-'));
  const bin = path.join(dir, 'bin');
  const cacheDir = path.join(dir, 'cache');
  const kubeconfig = path.join(dir, 'sso.kubeconfig');
  let sso: SsoEnvironment;

  beforeAll(async () => {
    sso = await startSsoEnvironment({
      dir: path.join(dir, 'sso'),
      clusters: ['tenants', 'xaas'],
    });
    fs.mkdirSync(bin);
    fs.symlinkSync(PLUGIN, path.join(bin, 'kubectl-kaas_login'));
    fs.symlinkSync(KUBECTL, path.join(bin, 'kubectl'));
    // One user for both clusters: one login serves every context.
    const [tenants, xaas] = sso.clusters;
    const cluster = (name: string, url: string, caFile: string) => ({
      name,
      cluster: {
        server: url,
        'certificate-authority-data': fs
          .readFileSync(caFile)
          .toString('base64'),
      },
    });
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          cluster('tenants', tenants.url, tenants.caFile),
          cluster('xaas', xaas.url, xaas.caFile),
        ],
        users: [
          {
            name: 'sso',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: 'kubectl',
                args: [
                  'kaas-login',
                  'get-token',
                  `--issuer-url=${sso.issuer}`,
                  `--client-id=${SSO_KUBECTL_CLIENT}`,
                  `--certificate-authority=${sso.keycloak.caFile}`,
                  `--cache-dir=${cacheDir}`,
                ],
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: ['tenants', 'xaas'].map(name => ({
          name,
          context: { cluster: name, user: 'sso', namespace: 'default' },
        })),
        'current-context': 'tenants',
      }),
    );
  }, 600_000);

  afterAll(async () => {
    await sso?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** kubectl with the SSO kubeconfig, as `user` with `password` for the password grant. */
  const kubectl = (
    login: { user?: string; password?: string; grant?: string },
    ...args: string[]
  ) =>
    execFileAsync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {
      env: {
        PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(
          ':',
        ),
        HOME: dir,
        ...(login.grant !== undefined
          ? { KAAS_LOGIN_GRANT: login.grant }
          : { KAAS_LOGIN_GRANT: 'password' }),
        ...(login.user ? { KAAS_LOGIN_USERNAME: login.user } : {}),
        ...(login.password ? { KAAS_LOGIN_PASSWORD: login.password } : {}),
      },
    }).then(
      ({ stdout, stderr }) => ({ ok: true, out: stdout, err: stderr }),
      error => ({
        ok: false,
        out: String(error.stdout ?? ''),
        err: String(error.stderr ?? error),
      }),
    );
  const whoami = async (result: { ok: boolean; out: string; err: string }) => {
    if (!result.ok) throw new Error(result.err);
    return JSON.parse(result.out).status.userInfo;
  };
  const cacheFiles = () =>
    fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : [];

  it('logs in once for every cluster: both contexts work, the tokens are cached (0600), no second login', async () => {
    const started = Date.now();
    const first = await kubectl(
      { user: 'alice', password: sso.password.alice },
      '--context=tenants',
      'auth',
      'whoami',
      '-o',
      'json',
    );
    const loginToFirstKubectlMs = Date.now() - started;
    expect((await whoami(first)).username).toBe('oidc:alice');
    expect(cacheFiles()).toHaveLength(1);
    const cached = path.join(cacheDir, cacheFiles()[0]);
    expect(fs.statSync(cached).mode & 0o777).toBe(0o600);
    expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);

    // The other cluster, with a wrong password: the cached token is used, no login.
    const second = await kubectl(
      { user: 'alice', password: 'wrong' },
      '--context=xaas',
      'auth',
      'whoami',
      '-o',
      'json',
    );
    expect((await whoami(second)).groups).toContain('oidc:team-a');
    const token = JSON.parse(fs.readFileSync(cached, 'utf8')).idToken;
    expect(`${first.err}${second.err}`).not.toContain(token);
    console.log(
      `kubectl kaas-login: login to first kubectl answer ${loginToFirstKubectlMs} ms (password grant, Keycloak discovery included)`,
    );
  });

  it('refreshes an expired ID token with its refresh token, without a new login', async () => {
    const [file] = cacheFiles();
    const cached = path.join(cacheDir, file);
    const tokens = JSON.parse(fs.readFileSync(cached, 'utf8'));
    const [header, payload, signature] = tokens.idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const expired = [
      header,
      Buffer.from(
        JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }),
      ).toString('base64url'),
      signature,
    ].join('.');
    fs.writeFileSync(cached, JSON.stringify({ ...tokens, idToken: expired }));

    const result = await kubectl(
      { user: 'alice', password: 'wrong' },
      '--context=xaas',
      'auth',
      'whoami',
      '-o',
      'json',
    );
    expect((await whoami(result)).username).toBe('oidc:alice');
    const refreshed = JSON.parse(fs.readFileSync(cached, 'utf8'));
    expect(refreshed.idToken).not.toBe(expired);
  });

  it('logs in again once the refresh token is refused, and says what is missing without credentials', async () => {
    const [file] = cacheFiles();
    const cached = path.join(cacheDir, file);
    const tokens = JSON.parse(fs.readFileSync(cached, 'utf8'));
    fs.writeFileSync(
      cached,
      JSON.stringify({
        idToken: 'x.e30.x',
        refreshToken: `${tokens.refreshToken}x`,
      }),
    );
    const missing = await kubectl({}, '--context=tenants', 'get', 'configmaps');
    expect(missing.ok).toBe(false);
    expect(missing.err).toContain(
      'KAAS_LOGIN_GRANT=password needs KAAS_LOGIN_USERNAME and KAAS_LOGIN_PASSWORD',
    );

    const again = await kubectl(
      { user: 'bob', password: sso.password.bob },
      '--context=tenants',
      'auth',
      'whoami',
      '-o',
      'json',
    );
    expect((await whoami(again)).username).toBe('oidc:bob');
  });
});
