import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { KubernetesObjectApi, KubeConfig } from '@kubernetes/client-node';
import {
  KUBECTL,
  REPO_ROOT,
  testCluster,
  waitFor,
} from '@internal/kaas-test-cluster';
import { parse } from 'yaml';

const execFileAsync = promisify(execFile);
export const SHARED_CRDS = path.resolve(REPO_ROOT, '../shared/crds');

/** A cluster to point the configuration at: the shared test cluster by default. */
export interface ClusterAccess {
  url: string;
  caFile: string;
  backendTokenFile: string;
  adminKubeconfig: string;
}

export function sharedCluster(): ClusterAccess {
  const cluster = testCluster();
  return {
    url: cluster.url,
    caFile: cluster.caFile,
    backendTokenFile: cluster.backendTokenFile,
    adminKubeconfig: cluster.adminKubeconfig,
  };
}

export async function kubectl(
  cluster: ClusterAccess,
  ...args: string[]
): Promise<string> {
  const { stdout } = await execFileAsync(
    KUBECTL,
    ['--kubeconfig', cluster.adminKubeconfig, ...args],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Writes `status` through the status subresource, as the operator (or kubelet) would. */
export async function writeStatus(
  cluster: ClusterAccess,
  resource: string,
  namespace: string,
  name: string,
  status: unknown,
) {
  await kubectl(
    cluster,
    'patch',
    resource,
    name,
    '-n',
    namespace,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  );
}

/**
 * Installs the upstream CRDs of ../shared/crds/<folder> and waits until each kind
 * serves lists (a new CRD answers 429 for a moment).
 */
export async function installCrds(
  cluster: ClusterAccess,
  folders: string[],
  kinds: Array<{ apiVersion: string; kind: string }>,
) {
  await kubectl(
    cluster,
    'apply',
    '--server-side',
    '--force-conflicts',
    ...folders.flatMap(f => ['-f', path.join(SHARED_CRDS, f)]),
  );
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.adminKubeconfig);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  await waitFor(
    async () => {
      try {
        for (const { apiVersion, kind } of kinds) {
          await objects.list(apiVersion, kind, 'default');
        }
        return true;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, describe: () => 'the CRDs to serve lists' },
  );
}

/** The repository's real `kaas` configuration (app-config.yaml) on `cluster`. */
export function inventoryTestConfig(cluster: ClusterAccess = sharedCluster()) {
  const { kaas } = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  return new ConfigReader({
    kaas: {
      ...kaas,
      clusters: [
        {
          name: 'local',
          url: cluster.url,
          caFile: cluster.caFile,
          roles: ['tenants', 'management', 'xaas'],
          auth: { type: 'tokenFile', tokenFile: cluster.backendTokenFile },
        },
      ],
    },
  });
}

/** A logger that keeps its lines, for asserting what was logged. */
export function capturingLogger(lines: string[] = []): LoggerService & {
  lines: string[];
} {
  const push = (message: string) => void lines.push(message);
  const logger = {
    lines,
    info: push,
    warn: push,
    error: push,
    debug: push,
    child: () => logger,
  };
  return logger;
}

/** A pod the `restricted` Pod Security level admits, sized within the tenant's LimitRange. */
export function restrictedPod(name: string) {
  return {
    metadata: { name },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'app',
          image: 'busybox',
          command: ['sleep', '3600'],
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m', memory: '512Mi' },
          },
        },
      ],
    },
  };
}

/**
 * Compacts the etcd of a control plane started by the test (its data folder): every
 * resource version before now expires, so a watch resumed from one is answered 410 Gone.
 */
export async function compactEtcd(dataDir: string): Promise<void> {
  const state = JSON.parse(
    fs.readFileSync(path.join(dataDir, 'state.json'), 'utf8'),
  );
  const pki = path.join(dataDir, 'pki');
  const post = async (api: string, body: unknown) => {
    return new Promise<any>((resolve, reject) => {
      const request = https.request(
        {
          host: '127.0.0.1',
          port: state.ports.etcdClient,
          path: api,
          method: 'POST',
          ca: fs.readFileSync(path.join(pki, 'etcd-ca.crt')),
          cert: fs.readFileSync(path.join(pki, 'apiserver-etcd-client.crt')),
          key: fs.readFileSync(path.join(pki, 'apiserver-etcd-client.key')),
        },
        response => {
          let text = '';
          response.on('data', chunk => (text += chunk));
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(JSON.parse(text))
              : reject(new Error(`${api}: ${response.statusCode} ${text}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(body));
    });
  };
  const { header } = await post('/v3/kv/range', { key: 'AA==' });
  await post('/v3/kv/compaction', {
    revision: header.revision,
    physical: true,
  });
}
