import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './freePort';

const execFileAsync = promisify(execFile);

/** A private PostgreSQL server on 127.0.0.1, from Debian's `postgresql` package. */
export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter(v => fs.existsSync(path.join(root, v, 'bin/initdb')))
    : [];
  if (versions.length === 0) {
    throw new Error(
      "PostgreSQL is not installed: run the README's test command, which installs Debian's 'postgresql' package",
    );
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

/** initdb and postgres refuse to run as root; run them as the package's `postgres` user then. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

/** Starts a fresh server with password authentication; `stop()` removes all its data. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-test-pg-'));
  const dataDir = path.join(dir, 'data');
  const password = crypto.randomBytes(16).toString('hex');
  const passwordFile = path.join(dir, 'password');
  fs.writeFileSync(passwordFile, password);
  if (process.getuid?.() === 0) {
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  const user = 'backstage';
  await execFileAsync(
    ...asServerUser(path.join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      user,
      '--auth=scram-sha-256',
      `--pwfile=${passwordFile}`,
      '--no-sync',
    ]),
  );
  const port = await freePort();
  await execFileAsync(
    ...asServerUser(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-o',
      `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
      'start',
    ]),
  );
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    async stop() {
      await execFileAsync(
        ...asServerUser(path.join(bin, 'pg_ctl'), [
          '-D',
          dataDir,
          '-m',
          'fast',
          '-w',
          'stop',
        ]),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `backend.database` of a Backstage backend on `postgres`. */
export function backendDatabaseConfig(postgres: TestPostgres) {
  return {
    client: 'pg',
    connection: {
      host: postgres.host,
      port: postgres.port,
      user: postgres.user,
      password: postgres.password,
    },
  };
}
