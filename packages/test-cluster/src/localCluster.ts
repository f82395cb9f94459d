import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { LOCAL_CLUSTER_BIN_DIR, LOCAL_CLUSTER_DIR } from './repoPaths';

const execFileAsync = promisify(execFile);

/** A running local control plane (etcd + kube-apiserver + kube-controller-manager). */
export interface LocalCluster {
  dataDir: string;
  /** https URL of the kube-apiserver on 127.0.0.1. */
  url: string;
  /** Client-certificate kubeconfig with cluster-admin rights, for tests and people. */
  adminKubeconfig: string;
  /** Kubeconfig of the Backstage backend's least-privilege ServiceAccount. */
  backendKubeconfig: string;
  backendTokenFile: string;
  /** Token of the core Kubernetes plugin's read-only ServiceAccount (never the backend's). */
  kubernetesReaderTokenFile: string;
  /** Kubeconfig with that token. */
  kubernetesReaderKubeconfig: string;
  caFile: string;
  pid: number;
  /**
   * Restarts kube-apiserver alone (etcd and the controller manager keep running, the URL
   * stays): SIGTERM, at most the supervisor's stop timeout (20 s) for it to finish its
   * open requests, then a new one. Resolves once the new one is ready.
   */
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the control plane binaries; a no-op when nothing changed since the last build. */
export async function buildLocalCluster(): Promise<void> {
  await execFileAsync('bash', [path.join(LOCAL_CLUSTER_DIR, 'build.sh')], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60 * 1000,
  });
}

/** The supervisor's state.json (see tools/local-cluster/README.md). */
interface ClusterState {
  server: string;
  adminKubeconfig: string;
  backendKubeconfig: string;
  backendToken: string;
  kubernetesReaderToken: string;
  kubernetesReaderKubeconfig: string;
  caFile: string;
  pids: Record<string, number>;
  ports: Record<string, number>;
}

function readState(dataDir: string): ClusterState {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'state.json'), 'utf8'));
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts a control plane on free loopback ports with its data in `dataDir` (kept, so a
 * second start on the same folder finds every object again). Resolves once it is ready.
 */
export async function startLocalCluster(options: {
  dataDir: string;
  readyTimeoutMs?: number;
  /** kube-apiserver port; a free one when absent. Restart tests keep the URL with it. */
  port?: number;
  /** An `AuthenticationConfiguration` file for kube-apiserver (e.g. an OIDC issuer). */
  authenticationConfig?: string;
}): Promise<LocalCluster> {
  const { dataDir } = options;
  fs.mkdirSync(dataDir, { recursive: true });
  const supervisorLog = path.join(dataDir, 'supervisor.log');
  const logFd = fs.openSync(supervisorLog, 'a');
  const child = spawn(
    path.join(LOCAL_CLUSTER_BIN_DIR, 'local-cluster'),
    [
      'up',
      `--data-dir=${dataDir}`,
      `--port=${options.port ?? 0}`,
      '--etcd-port=0',
      '--etcd-peer-port=0',
      '--controller-manager-port=0',
      // Throw-away test data: skipping fsync saves seconds per test run.
      '--etcd-unsafe-no-fsync',
      // A crashed test run leaves no control plane behind.
      '--exit-with-parent',
      ...(options.authenticationConfig
        ? [`--authentication-config=${options.authenticationConfig}`]
        : []),
    ],
    { stdio: ['ignore', 'pipe', logFd] },
  );
  fs.closeSync(logFd);

  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', line => {
      const match = /^READY (.+)$/.exec(line.trim());
      if (match) resolve(match[1]);
    });
    exited.then(code =>
      reject(
        new Error(
          `local-cluster exited with code ${code} before it was ready:\n${tail(
            supervisorLog,
          )}`,
        ),
      ),
    );
  });
  const timeoutMs = options.readyTimeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `local-cluster was not ready within ${timeoutMs} ms:\n${tail(
              supervisorLog,
            )}`,
          ),
        ),
      timeoutMs,
    );
  });
  let adminKubeconfig: string;
  try {
    adminKubeconfig = await Promise.race([ready, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const state = readState(dataDir);
  return {
    dataDir,
    url: state.server,
    adminKubeconfig,
    backendKubeconfig: state.backendKubeconfig,
    backendTokenFile: state.backendToken,
    kubernetesReaderTokenFile: state.kubernetesReaderToken,
    kubernetesReaderKubeconfig: state.kubernetesReaderKubeconfig,
    caFile: state.caFile,
    pid: child.pid!,
    async restartApiServer() {
      await execFileAsync(
        path.join(LOCAL_CLUSTER_BIN_DIR, 'local-cluster'),
        ['restart-apiserver', `--data-dir=${dataDir}`],
        { timeout: timeoutMs + 60_000 },
      ).catch(error => {
        throw new Error(
          `restart of kube-apiserver failed: ${error.stderr ?? error}\n${tail(
            supervisorLog,
          )}`,
        );
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      const code = await exited;
      if (code !== 0 && code !== null) {
        throw new Error(
          `local-cluster stopped with code ${code}:\n${tail(supervisorLog)}`,
        );
      }
    },
  };
}
