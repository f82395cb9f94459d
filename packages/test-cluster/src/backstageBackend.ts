import { spawnProcessGroup, stopProcessGroup } from './processGroup';
import path from 'node:path';
import { REPO_ROOT } from './repoPaths';

/** A real Backstage backend process (packages/backend), as `yarn start` runs it. */
export interface BackstageBackend {
  baseUrl: string;
  /** The backend's node process id (for reading its memory from /proc). */
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** Ends the process at once with SIGKILL, as a crash or an evicted pod would. */
  kill(): Promise<void>;
}

/**
 * Starts packages/backend with the given config files (absolute paths) and environment,
 * and resolves once its readiness endpoint answers, or rejects with its output if it exits.
 */
export async function startBackstageBackend(options: {
  port: number;
  configFiles: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Resolve as soon as the process exits instead of failing (for startup-error tests). */
  expectExit?: boolean;
  /** The Backstage app whose packages/backend runs; this repository by default. */
  appDir?: string;
}): Promise<BackstageBackend> {
  const appDir = options.appDir ?? REPO_ROOT;
  const backendDir = path.join(appDir, 'packages/backend');
  // What `backstage-cli package start` runs, minus its file watcher (which would keep
  // running after the backend exits): node with Backstage's TypeScript transform.
  const args = [
    '--enable-source-maps',
    '--require',
    require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
      paths: [appDir],
    }),
    'src/index.ts',
  ];
  for (const file of options.configFiles) args.push('--config', file);
  const { child, exited, output } = spawnProcessGroup(process.execPath, args, {
    cwd: backendDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      ...options.env,
      FORCE_COLOR: '0',
      ESBK_TSCONFIG_PATH: path.join(appDir, 'tsconfig.json'),
    },
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const backend: BackstageBackend = {
    baseUrl,
    pid: child.pid!,
    output,
    exited,
    stop: () => stopProcessGroup(child, exited),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGKILL');
        await exited;
      }
    },
  };
  if (options.expectExit) return backend;

  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  let done = false;
  exited.then(() => (done = true));
  while (!done) {
    try {
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      if (res.ok) return backend;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await backend.stop();
      throw new Error(
        `The backend was not ready in time. What it warned about:\n${output()
          .split('\n')
          .filter(line => /\b(warn|error)\b/i.test(line))
          .slice(-40)
          .join('\n')
          .slice(-6000)}\nOutput:\n${output().slice(-2000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(
    `The backend exited during startup. Output:\n${output().slice(-4000)}`,
  );
}
