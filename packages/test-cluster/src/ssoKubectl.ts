import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KAAS_LOGIN_PLUGIN, KUBECTL } from './repoPaths';
import type { SsoEnvironment } from './ssoEnvironment';

const execFileAsync = promisify(execFile);

/**
 * A capability of plain ConfigMaps (`kaas.capabilities.<id>`): instances on a cluster
 * without operator CRDs. Its ConfigMap records `${{ tenant.ownerGroup }}`.
 */
export const CONFIGMAP_CAPABILITY = {
  title: 'Notes',
  description: 'A ConfigMap of notes',
  parameters: { type: 'object', additionalProperties: false, properties: {} },
  plans: { standard: { title: 'Standard', parameters: {} } },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${{ instance.name }}' },
      data: { owner: '${{ tenant.ownerGroup }}' },
    },
  ],
  readiness: { field: { path: 'kind', equals: 'ConfigMap' } },
};

/**
 * kubectl as a person runs it with an OIDC kubeconfig of the platform: `kubectl
 * kaas-login` on the PATH, a home of each user's own (so each has their own token cache,
 * `<dir>/home-<user>/.kube/cache`), nothing trusted but what the file says (Keycloak's CA
 * comes with the kubeconfig, `kaas.oidc.caFile`), and the password grant standing in for
 * the device grant's browser step. Resolves to whether it
 * worked and what it printed (stdout, or stderr when it failed).
 */
export function ssoKubectl(sso: SsoEnvironment, dir: string) {
  const bin = path.join(dir, 'bin');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(KAAS_LOGIN_PLUGIN, path.join(bin, 'kubectl-kaas_login'));
    fs.symlinkSync(KUBECTL, path.join(bin, 'kubectl'));
  }
  const run = (user: string, kubeconfig: string, ...args: string[]) =>
    execFileAsync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {
      env: {
        PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(
          ':',
        ),
        HOME: path.join(dir, `home-${user}`),
        KAAS_LOGIN_GRANT: 'password',
        KAAS_LOGIN_USERNAME: user,
        KAAS_LOGIN_PASSWORD: sso.password[user],
      },
    }).then(
      ({ stdout }) => ({ ok: true, out: stdout }),
      error => ({ ok: false, out: String(error.stderr ?? error) }),
    );
  return Object.assign(run, {
    /** Forgets `user`'s cached tokens: the next command logs in again. */
    forget(user: string) {
      fs.rmSync(path.join(dir, `home-${user}`, '.kube', 'cache'), {
        recursive: true,
        force: true,
      });
    },
  });
}
