#!/usr/bin/env node
// kubectl kaas-login: the exec credential plugin of the platform's OIDC kubeconfigs.
//
//   kubectl kaas-login get-token --issuer-url=URL --client-id=ID
//       [--extra-scope=SCOPE]... [--certificate-authority=FILE]
//       [--certificate-authority-data=BASE64] [--cache-dir=DIR]
//
// Prints a client.authentication.k8s.io/v1 ExecCredential with an ID token of the issuer.
// One login serves every cluster that trusts the issuer: the tokens are cached per issuer,
// client and scopes (in ~/.kube/cache/kaas-login, mode 0600), refreshed with the refresh
// token, and a new login (the OAuth device grant: open the printed URL, enter the code) is
// needed only when that fails. KAAS_LOGIN_GRANT=password with KAAS_LOGIN_USERNAME and
// KAAS_LOGIN_PASSWORD uses the password grant instead, for automation against a realm
// that allows it for this client. Never prints a token anywhere but stdout.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';

/** Seconds a cached ID token must still be valid to be handed out. */
const MIN_VALIDITY_SECONDS = 30;

function fail(message) {
  process.stderr.write(`kubectl kaas-login: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command !== 'get-token') {
    fail(
      `unknown command '${
        command ?? ''
      }'; usage: kubectl kaas-login get-token --issuer-url=URL --client-id=ID [--extra-scope=SCOPE]... [--certificate-authority=FILE | --certificate-authority-data=BASE64] [--cache-dir=DIR]`,
    );
  }
  const options = { extraScopes: [] };
  for (const arg of rest) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) fail(`unknown argument '${arg}'`);
    const [, key, value] = match;
    if (key === 'issuer-url') options.issuerUrl = value;
    else if (key === 'client-id') options.clientId = value;
    else if (key === 'extra-scope') options.extraScopes.push(value);
    else if (key === 'certificate-authority') options.caFile = value;
    else if (key === 'certificate-authority-data') options.caData = value;
    else if (key === 'cache-dir') options.cacheDir = value;
    else fail(`unknown option '--${key}'`);
  }
  if (!options.issuerUrl?.startsWith('https://')) {
    fail('--issuer-url must be an https URL');
  }
  if (!options.clientId) fail('--client-id is required');
  return options;
}

/** fetch through node:https trusting `ca` (for an issuer with a private CA). */
function fetchTrusting(ca) {
  return (url, options) =>
    new Promise((resolve, reject) => {
      const headers = new Headers(options.headers);
      let body = options.body ?? undefined;
      if (body instanceof URLSearchParams) {
        if (!headers.has('content-type')) {
          headers.set('content-type', 'application/x-www-form-urlencoded');
        }
        body = body.toString();
      }
      const req = https.request(
        url,
        {
          method: options.method,
          headers: Object.fromEntries(headers.entries()),
          ca,
          signal: options.signal,
        },
        res => {
          const chunks = [];
          res.on('data', chunk => chunks.push(chunk));
          res.on('end', () => {
            const received = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of [value].flat()) {
                if (v !== undefined) received.append(name, v);
              }
            }
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode,
                headers: received,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

function cacheFile(options) {
  const dir =
    options.cacheDir ?? path.join(os.homedir(), '.kube', 'cache', 'kaas-login');
  const key = crypto
    .createHash('sha256')
    .update(
      [options.issuerUrl, options.clientId, ...options.extraScopes].join('\n'),
    )
    .digest('hex')
    .slice(0, 32);
  return { dir, file: path.join(dir, `${key}.json`) };
}

function readCache(options) {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(options).file, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeCache(options, tokens) {
  const { dir, file } = cacheFile(options);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(tokens), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

function expiryOf(idToken) {
  try {
    const claims = JSON.parse(
      Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8'),
    );
    return typeof claims.exp === 'number' ? claims.exp : 0;
  } catch {
    return 0;
  }
}

function tokensOf(response, previous) {
  if (!response.id_token) {
    fail(
      'the issuer answered without an ID token (is `openid` a scope of the client?)',
    );
  }
  return {
    idToken: response.id_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken,
  };
}

async function login(config, scope) {
  const grant = process.env.KAAS_LOGIN_GRANT ?? 'device';
  if (grant === 'password') {
    const username = process.env.KAAS_LOGIN_USERNAME;
    const password = process.env.KAAS_LOGIN_PASSWORD;
    if (!username || !password) {
      fail(
        'KAAS_LOGIN_GRANT=password needs KAAS_LOGIN_USERNAME and KAAS_LOGIN_PASSWORD',
      );
    }
    return client.genericGrantRequest(config, 'password', {
      username,
      password,
      scope,
    });
  }
  if (grant !== 'device') {
    fail(`KAAS_LOGIN_GRANT must be 'device' or 'password', not '${grant}'`);
  }
  const device = await client.initiateDeviceAuthorization(config, { scope });
  process.stderr.write(
    `To log in, open ${
      device.verification_uri_complete ?? device.verification_uri
    } and enter the code ${device.user_code}\n`,
  );
  return client.pollDeviceAuthorizationGrant(config, device);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const now = Math.floor(Date.now() / 1000);
  const cached = readCache(options);
  let tokens;
  if (
    cached?.idToken &&
    expiryOf(cached.idToken) - now > MIN_VALIDITY_SECONDS
  ) {
    tokens = cached;
  } else {
    const discoveryOptions = {};
    let ca;
    if (options.caFile) ca = fs.readFileSync(options.caFile);
    else if (options.caData) ca = Buffer.from(options.caData, 'base64');
    if (ca) discoveryOptions[client.customFetch] = fetchTrusting(ca);
    const config = await client.discovery(
      new URL(options.issuerUrl),
      options.clientId,
      undefined,
      client.None(),
      discoveryOptions,
    );
    if (ca) config[client.customFetch] = discoveryOptions[client.customFetch];
    const scope = ['openid', ...options.extraScopes].join(' ');
    if (cached?.refreshToken) {
      try {
        tokens = tokensOf(
          await client.refreshTokenGrant(config, cached.refreshToken, {
            scope,
          }),
          cached,
        );
      } catch {
        // Refresh token expired or revoked (a logout, a session end): log in again.
      }
    }
    tokens ??= tokensOf(await login(config, scope));
    writeCache(options, tokens);
  }
  process.stdout.write(
    `${JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: {
        token: tokens.idToken,
        expirationTimestamp: new Date(
          expiryOf(tokens.idToken) * 1000,
        ).toISOString(),
      },
    })}\n`,
  );
}

main().catch(error =>
  // openid-client's errors name the endpoint and the OAuth error, never a token.
  fail(
    `${error?.message ?? error}${
      error?.cause?.error ? ` (${error.cause.error})` : ''
    }`,
  ),
);
