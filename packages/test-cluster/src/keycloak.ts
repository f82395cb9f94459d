import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './freePort';
import { spawnProcessGroup, stopProcessGroup } from './processGroup';
import { REPO_ROOT } from './repoPaths';

const execFileAsync = promisify(execFile);
const KEYCLOAK_TOOLS = path.join(REPO_ROOT, 'tools/keycloak');

/** A Keycloak server on loopback, over TLS from a CA of its own. */
export interface KeycloakServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM file of the CA that signed the server's certificate. */
  caFile: string;
  /** The issuer URL of a realm, as its tokens name it. */
  issuer(realm: string): string;
  /** A JSON request to the server, trusting its CA; `token` as bearer. */
  request(
    method: string,
    urlPath: string,
    options?: { token?: string; form?: Record<string, string>; json?: unknown },
  ): Promise<{ status: number; body: any }>;
  /** The bootstrap admin's access token (master realm), for the admin REST API. */
  adminToken(): Promise<string>;
  /** Everything the server printed so far. */
  output(): string;
  /** Process id of kc.sh, leader of the process group of its JVM. */
  pid: number;
  stop(): Promise<void>;
}

/** Makes a CA and a server certificate for 127.0.0.1 with openssl, in `dir`. */
async function makeTls(dir: string) {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileAsync('openssl', args);
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '7',
    '-subj',
    '/CN=kaas local Keycloak CA',
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('tls.key'),
    '-out',
    file('tls.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  fs.writeFileSync(
    file('tls.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    file('tls.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('tls.crt'),
    '-days',
    '7',
    '-extfile',
    file('tls.ext'),
  );
  return {
    caFile: file('ca.crt'),
    cert: file('tls.crt'),
    key: file('tls.key'),
  };
}

/**
 * A Keycloak home of its own in `dir`: the cached distribution's libraries, themes and
 * providers linked, its own `conf`, `bin` and `data` (database, realms to import).
 */
function instanceHome(distribution: string, dir: string): string {
  const home = path.join(dir, 'keycloak');
  fs.mkdirSync(path.join(home, 'data/import'), { recursive: true });
  for (const shared of ['lib', 'providers', 'themes']) {
    // A home kept from an earlier start (its database in data/) keeps its links.
    if (fs.existsSync(path.join(home, shared))) continue;
    fs.symlinkSync(path.join(distribution, shared), path.join(home, shared));
  }
  // kc.sh finds its home from its own resolved path: a copy, not a link.
  fs.cpSync(path.join(distribution, 'bin'), path.join(home, 'bin'), {
    recursive: true,
  });
  fs.cpSync(path.join(distribution, 'conf'), path.join(home, 'conf'), {
    recursive: true,
  });
  return home;
}

function httpsRequest(
  url: string,
  ca: Buffer,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, headers, ca, timeout: 10_000 },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`timeout: ${method} ${url}`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One Keycloak at a time starts from a distribution: its first start writes its build into
 * the shared `lib/`. Resolves to the release; a lock whose holder died is taken over.
 */
async function takeStartLock(distribution: string): Promise<() => void> {
  const lock = path.join(distribution, '.kaas-start.lock');
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    try {
      process.kill(holder, 0);
    } catch {
      fs.rmSync(lock, { force: true });
      continue;
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/**
 * Fetches Keycloak (tools/keycloak/fetch.sh, cached) and starts it on loopback in dev
 * mode over TLS, importing `realms` (Keycloak realm representations) at start. Resolves
 * once every realm serves its discovery document.
 */
export async function startKeycloak(options: {
  dir: string;
  realms: Array<{ realm: string }>;
  readyTimeoutMs?: number;
  /** HTTPS port; a free one when absent (the issuer URL contains it). */
  port?: number;
  /**
   * Password of the master realm's `admin`, which Keycloak sets on its first start in
   * `dir` only: give the same one to a later start in the same `dir`. Random otherwise.
   */
  adminPassword?: string;
}): Promise<KeycloakServer> {
  const { dir, realms } = options;
  fs.mkdirSync(dir, { recursive: true });
  const [distribution, javaHome] = await Promise.all(
    ['fetch.sh', 'java-home.sh'].map(async script =>
      (
        await execFileAsync('bash', [path.join(KEYCLOAK_TOOLS, script)], {
          maxBuffer: 16 * 1024 * 1024,
          timeout: 15 * 60_000,
        })
      ).stdout.trim(),
    ),
  );
  const tls = await makeTls(dir);
  const ca = fs.readFileSync(tls.caFile);
  const home = instanceHome(distribution, dir);
  for (const realm of realms) {
    fs.writeFileSync(
      path.join(home, 'data/import', `${realm.realm}.json`),
      JSON.stringify(realm),
    );
  }
  const releaseStartLock = await takeStartLock(distribution);
  const [port, httpPort, managementPort] = [
    options.port ?? (await freePort()),
    await freePort(),
    await freePort(),
  ];
  const url = `https://127.0.0.1:${port}`;
  const adminPassword =
    options.adminPassword ?? crypto.randomBytes(18).toString('base64url');
  const { child, exited, output } = spawnProcessGroup(
    path.join(home, 'bin/kc.sh'),
    [
      'start-dev',
      '--import-realm',
      '--http-enabled=false',
      // Dev mode binds its HTTP port all the same (8080 unless told): a free one, on loopback.
      `--http-port=${httpPort}`,
      '--http-host=127.0.0.1',
      `--https-port=${port}`,
      `--https-certificate-file=${tls.cert}`,
      `--https-certificate-key-file=${tls.key}`,
      `--hostname=${url}`,
      `--http-management-port=${managementPort}`,
    ],
    {
      env: {
        ...process.env,
        JAVA_HOME: javaHome,
        KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
        KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      },
    },
  );

  const request: KeycloakServer['request'] = async (
    method,
    urlPath,
    { token, form, json } = {},
  ) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    } else if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    }
    const res = await httpsRequest(
      `${url}${urlPath}`,
      ca,
      method,
      headers,
      body,
    );
    let parsed: unknown = res.text;
    try {
      parsed = res.text ? JSON.parse(res.text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: res.status, body: parsed };
  };

  const stop = () => stopProcessGroup(child, exited);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  try {
    await untilRealmsServe();
  } finally {
    releaseStartLock();
  }

  async function untilRealmsServe() {
    for (const { realm } of realms) {
      for (;;) {
        if (child.exitCode !== null) {
          throw new Error(
            `Keycloak exited with code ${
              child.exitCode
            } during startup:\n${output().slice(-4000)}`,
          );
        }
        const answer = await request(
          'GET',
          `/realms/${realm}/.well-known/openid-configuration`,
        ).catch(() => undefined);
        if (answer?.status === 200) break;
        if (Date.now() > deadline) {
          await stop();
          throw new Error(
            `Keycloak did not serve realm ${realm} in time:\n${output().slice(
              -4000,
            )}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
    }
  }

  return {
    url,
    caFile: tls.caFile,
    pid: child.pid!,
    issuer: realm => `${url}/realms/${realm}`,
    request,
    async adminToken() {
      const answer = await request(
        'POST',
        '/realms/master/protocol/openid-connect/token',
        {
          form: {
            grant_type: 'password',
            client_id: 'admin-cli',
            username: 'admin',
            password: adminPassword,
          },
        },
      );
      if (answer.status !== 200) {
        throw new Error(`Keycloak admin login: ${answer.status}`);
      }
      return answer.body.access_token;
    },
    output,
    stop,
  };
}
