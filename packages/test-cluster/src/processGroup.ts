import {
  spawn,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process';

/**
 * Starts `command` as the leader of a process group of its own, collecting what it
 * prints; `exited` resolves with its exit code.
 */
export function spawnProcessGroup(
  command: string,
  args: string[],
  options: Omit<SpawnOptions, 'stdio' | 'detached'>,
) {
  const child = spawn(command, args, {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  return { child, exited, output: () => output };
}

/**
 * Stops a child started `detached` (the leader of its own process group) and everything
 * it started: SIGTERM to the group, SIGKILL after `graceMs`. Resolves once it has exited.
 */
export async function stopProcessGroup(
  child: ChildProcess,
  exited: Promise<unknown>,
  graceMs = 15_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
