import fs from 'node:fs';
import path from 'node:path';
import {
  startBackstageBackend,
  type BackstageBackend,
} from './backstageBackend';
import { freePort } from './freePort';
import { REPO_ROOT } from './repoPaths';

/** What a backend needs to reach a local control plane (a LocalCluster or testCluster()). */
export interface ClusterAccess {
  url: string;
  caFile: string;
  backendTokenFile: string;
}

/** The `kaas.clusters` entry of a local control plane, with the backend's own credential. */
export function localClusterEntry(cluster: ClusterAccess, name = 'local') {
  return {
    ...untitledClusterEntry(cluster, name),
    title: 'Local control plane',
  };
}

/**
 * `localClusterEntry` without a title, so the cluster's name stands in for it (as it
 * does for a configured cluster without one).
 */
export function untitledClusterEntry(cluster: ClusterAccess, name = 'local') {
  return {
    name,
    url: cluster.url,
    caFile: cluster.caFile,
    roles: ['tenants', 'management', 'xaas'],
    auth: { type: 'tokenFile', tokenFile: cluster.backendTokenFile },
  };
}

/**
 * Starts the platform's backend (packages/backend with app-config.yaml and, unless told
 * otherwise, app-config.demo.yaml) on a free port
 * against `cluster`. `config` is merged over it as Backstage merges config files (objects
 * merge, arrays replace); its files are written into `dir`.
 */
export async function startPlatformBackend(options: {
  cluster: ClusterAccess & {
    /** The core Kubernetes plugin's read-only token (app-config.yaml's `kubernetes:`). */
    kubernetesReaderTokenFile: string;
  };
  dir: string;
  config?: Record<string, unknown>;
  /** Extra environment of the backend process. */
  env?: Record<string, string>;
  /**
   * `demo` (default): app-config.demo.yaml too, the demo organisation and the demo
   * sign-in (`demoUserToken`). `oidc`: not; the caller configures its identity provider.
   */
  signIn?: 'demo' | 'oidc';
  /** Config files of the repository (e.g. app-config.sso.yaml) loaded after the base, before `config`. */
  configFiles?: string[];
  /** A port picked beforehand (e.g. for an identity provider's redirect URI); a free one otherwise. */
  port?: number;
}): Promise<BackstageBackend> {
  const { cluster, dir } = options;
  const port = options.port ?? (await freePort());
  const base = path.join(dir, `platform-backend-${port}.json`);
  fs.writeFileSync(
    base,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
      },
      kaas: { clusters: [localClusterEntry(cluster)] },
    }),
  );
  const configFiles = [
    path.join(REPO_ROOT, 'app-config.yaml'),
    ...(options.signIn === 'oidc'
      ? []
      : [path.join(REPO_ROOT, 'app-config.demo.yaml')]),
    base,
    ...(options.configFiles ?? []).map(file => path.resolve(REPO_ROOT, file)),
  ];
  if (options.config) {
    const extra = path.join(dir, `platform-backend-${port}-extra.json`);
    fs.writeFileSync(extra, JSON.stringify(options.config));
    configFiles.push(extra);
  }
  return startBackstageBackend({
    port,
    configFiles,
    env: {
      // The Kubernetes plugin's entry in app-config.yaml reads these.
      KAAS_LOCAL_CLUSTER_URL: cluster.url,
      KAAS_LOCAL_CLUSTER_DIR: path.dirname(cluster.caFile),
      KAAS_LOCAL_KUBERNETES_READER_TOKEN: fs
        .readFileSync(cluster.kubernetesReaderTokenFile, 'utf8')
        .trim(),
      ...options.env,
    },
  });
}

/**
 * A Backstage token of a demo user, through the demo sign-in's header. Retries until the
 * catalog has read the demo organisation (sign-in resolves catalog users).
 */
export async function demoUserToken(
  backend: BackstageBackend,
  user: string,
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${backend.baseUrl}/api/auth/demo/refresh`, {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'x-kaas-demo-user': user,
      },
    });
    if (res.status === 200) return (await res.json()).backstageIdentity.token;
    if (Date.now() > deadline) {
      throw new Error(
        `demo sign-in of ${user}: ${res.status} ${await res.text()}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
