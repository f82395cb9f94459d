import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KUBECTL } from '@internal/kaas-test-cluster';

const execFileAsync = promisify(execFile);

/** The repo's kubectl with the given kubeconfig file; its output and exit code, never throws. */
export async function kubectlWith(
  kubeconfig: string,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(KUBECTL, [
      '--kubeconfig',
      kubeconfig,
      ...args,
    ]);
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Writes a downloaded kubeconfig to a file of its own (0600), as a user would save it. */
export function writeTemp(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-kubeconfig-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** The claims of a JWT (not verified). */
export function jwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}
