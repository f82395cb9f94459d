import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import {
  type BackstageBackend,
  freePort,
  KUBECTL,
  localClusterEntry,
  REPO_ROOT,
  startBackstageBackend,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { readmeSteps } from './__testUtils__/readmeSteps';
import { tenantsOver } from './__testUtils__/tenantsOver';

/**
 * The suite as an adopter gets it: every published package packed, a new app made by
 * `@backstage/create-app` of this repository's Backstage release, the tarballs added and
 * each package README's steps carried out as written (its `yarn add` lines, the backend's
 * `backend.add` lines and the line it says to remove, its `kubectl` lines against the
 * cluster, its `kaas:` configuration with the cluster replaced by the test's), then a type
 * check of the app and its backend started against the local control plane. A README step
 * that is missing or wrong fails here.
 */

const execFileAsync = promisify(execFile);

/** `@backstage/create-app` of Backstage 1.55.0 (this repository's backstage.json). */
const CREATE_APP_VERSION = '0.9.2';

const cluster = testCluster();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-install-test-'));
const appDir = path.join(work, 'app');
const packsDir = path.join(appDir, 'kaas-packs');

interface PublishedPackage {
  dir: string;
  name: string;
  version: string;
  tarball?: string;
}

function publishedPackages(): PublishedPackage[] {
  const plugins = path.join(REPO_ROOT, 'plugins');
  return fs
    .readdirSync(plugins)
    .map(dir => path.join(plugins, dir))
    .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
    .map(dir => ({
      dir,
      ...JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
    }))
    .filter(p => !p.private)
    .map(({ dir, name, version }) => ({ dir, name, version }));
}

async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd: options.cwd,
      env: {
        ...process.env,
        // A new app has no lockfile to keep (Yarn makes installs immutable under CI).
        YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
        ...options.env,
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error: any) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) failed: ${
        error.message
      }\n${String(error.stdout ?? '').slice(-3000)}\n${String(
        error.stderr ?? '',
      ).slice(-3000)}`,
    );
  }
}

describe('installing the packed packages into a new Backstage app, as their READMEs say', () => {
  const packages = publishedPackages();
  const timings: Record<string, number> = {};
  let backend: BackstageBackend | undefined;
  let guestToken = '';

  const timed = async <T>(step: string, work_: () => Promise<T>) => {
    const start = Date.now();
    try {
      return await work_();
    } finally {
      timings[step] = Date.now() - start;
    }
  };

  beforeAll(async () => {
    // The packages as npm would get them (`backstage-cli package prepack` runs on pack).
    fs.mkdirSync(work, { recursive: true });
    const packs = path.join(work, 'packs');
    fs.mkdirSync(packs);
    await timed('pack', async () => {
      for (const pkg of packages) {
        await run('yarn', ['backstage-cli', 'package', 'build'], {
          cwd: pkg.dir,
        });
        const tarball = path.join(
          packs,
          `${pkg.name.replace('@', '').replace('/', '-')}.tgz`,
        );
        await run('yarn', ['pack', '--out', tarball], { cwd: pkg.dir });
        pkg.tarball = tarball;
      }
    });

    // A new app. create-app checks for a `yarn` command, which this repository's shim
    // provides from inside the repository.
    await timed('create-app', () =>
      run(
        'npx',
        [
          '--yes',
          `@backstage/create-app@${CREATE_APP_VERSION}`,
          '--skip-install',
          '--path',
          appDir,
        ],
        { cwd: REPO_ROOT, env: { BACKSTAGE_APP_NAME: 'kaas-adopter' } },
      ),
    );
    const release = (file: string) =>
      JSON.parse(fs.readFileSync(file, 'utf8')).version;
    if (
      release(path.join(appDir, 'backstage.json')) !==
      release(path.join(REPO_ROOT, 'backstage.json'))
    ) {
      throw new Error(
        `create-app ${CREATE_APP_VERSION} makes an app of another Backstage release than backstage.json; change CREATE_APP_VERSION`,
      );
    }

    // The tarballs stand in for the registry; this machine's npm mirror needs the same
    // pins as this repository (see ../shared/notes/SETUP-FACTS.md).
    fs.mkdirSync(packsDir);
    const rootPackage = path.join(appDir, 'package.json');
    const manifest = JSON.parse(fs.readFileSync(rootPackage, 'utf8'));
    const ours = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
    // Packages the mirror has newer than the release works with, pinned by this
    // repository's backend too (signals-backend 0.3.21 needs a newer httpRouter).
    const exactBackstagePins = Object.fromEntries(
      Object.entries(
        ours('packages/backend/package.json').dependencies as Record<
          string,
          string
        >,
      ).filter(
        ([name, range]) => /^@backstage\//.test(name) && /^\d/.test(range),
      ),
    );
    manifest.resolutions = {
      ...manifest.resolutions,
      ...ours('package.json').resolutions,
      ...exactBackstagePins,
    };
    for (const pkg of packages) {
      const file = path.join(packsDir, path.basename(pkg.tarball!));
      fs.copyFileSync(pkg.tarball!, file);
      manifest.resolutions[pkg.name] = `file:./kaas-packs/${path.basename(
        file,
      )}`;
    }
    fs.writeFileSync(rootPackage, `${JSON.stringify(manifest, null, 2)}\n`);
    await timed('yarn install', () =>
      run('yarn', ['install'], { cwd: appDir }),
    );

    // Every README's steps, as written.
    const version = new Map(packages.map(p => [p.name, p.version]));
    const steps = packages.map(p => readmeSteps(path.join(p.dir, 'README.md')));
    await timed('README steps', async () => {
      for (const { workspace, packages: added } of steps.flatMap(
        s => s.yarnAdds,
      )) {
        await run(
          'yarn',
          [
            '--cwd',
            `packages/${workspace}`,
            'add',
            // The packed version: the registry does not have them.
            ...added.map(name =>
              version.has(name) ? `${name}@^${version.get(name)}` : name,
            ),
          ],
          { cwd: appDir },
        );
      }
      const indexFile = path.join(appDir, 'packages/backend/src/index.ts');
      let index = fs.readFileSync(indexFile, 'utf8');
      for (const removed of steps.flatMap(s => s.backendRemoves)) {
        const line = new RegExp(
          `backend\\.add\\(\\s*import\\('${removed.replace(
            /[/.]/g,
            '\\$&',
          )}'\\),?\\s*\\);\\n`,
        );
        if (!line.test(index)) {
          throw new Error(
            `a README says to remove ${removed}; the app has no such line`,
          );
        }
        index = index.replace(line, '');
      }
      // A README shows the plugin a module belongs to beside it; the app has it already.
      const adds = [...new Set(steps.flatMap(s => s.backendAdds))].filter(
        line => !index.includes(line),
      );
      index = index.replace(
        /^backend\.start\(\);$/m,
        `${adds.join('\n')}\n\nbackend.start();`,
      );
      fs.writeFileSync(indexFile, index);
      for (const command of new Set(steps.flatMap(s => s.kubectl))) {
        const args = command.split(/\s+/).slice(1);
        await run(KUBECTL, ['--kubeconfig', cluster.adminKubeconfig, ...args], {
          cwd: appDir,
        });
      }
    });
    const [kaasConfig] = steps.flatMap(s => s.kaasConfig);
    if (!kaasConfig) throw new Error('no README shows the kaas configuration');
    const port = await freePort();
    fs.writeFileSync(
      path.join(appDir, 'app-config.local.yaml'),
      YAML.stringify({
        backend: {
          baseUrl: `http://127.0.0.1:${port}`,
          listen: { host: '127.0.0.1', port },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        // As the README has it, on the test's cluster instead of its example.
        kaas: {
          ...YAML.parse(kaasConfig).kaas,
          clusters: [localClusterEntry(cluster)],
        },
      }),
    );

    await timed('type check', () => run('yarn', ['tsc'], { cwd: appDir }));
    backend = await timed('backend start', () =>
      startBackstageBackend({
        appDir,
        port,
        configFiles: [
          path.join(appDir, 'app-config.yaml'),
          path.join(appDir, 'app-config.local.yaml'),
        ],
      }),
    );
    const res = await fetch(`${backend.baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (res.status !== 200) {
      throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
    }
    guestToken = (await res.json()).backstageIdentity.token;
  }, 40 * 60_000);

  afterAll(async () => {
    await backend?.stop();
    console.log(
      [
        'Install test:',
        ...Object.entries(timings).map(
          ([step, ms]) => `  ${step}: ${(ms / 1000).toFixed(1)} s`,
        ),
        'Packed sizes:',
        ...packages.map(
          p =>
            `  ${p.name}: ${(fs.statSync(p.tarball!).size / 1024).toFixed(
              1,
            )} KiB`,
        ),
      ].join('\n'),
    );
    // Kept when the app's backend did not start, to look into.
    if (backend) fs.rmSync(work, { recursive: true, force: true });
  });

  const get = (route: string) =>
    fetch(`${backend!.baseUrl}${route}`, {
      headers: { Authorization: `Bearer ${guestToken}` },
    });

  it('answers /api/kaas/clusters with the configured cluster', async () => {
    const res = await get('/api/kaas/clusters');
    expect(res.status).toBe(200);
    expect(
      (await res.json()).items.map((c: { name: string }) => c.name),
    ).toEqual(['local']);
  });

  it("lists the platform's actions in the scaffolder", async () => {
    const res = await get('/api/scaffolder/v2/actions');
    expect(res.status).toBe(200);
    const ids = (await res.json()).map((a: { id: string }) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'kaas:tenant:create',
        'kaas:tenant:wait',
        'kaas:tenant:delete',
        'xaas:instance:create',
      ]),
    );
  });

  it("puts a tenant's entity into the catalog", async () => {
    const config = new ConfigReader({
      kaas: {
        ...YAML.parse(
          fs.readFileSync(path.join(appDir, 'app-config.local.yaml'), 'utf8'),
        ).kaas,
      },
    });
    const tenant = uniqueName('adopted');
    await tenantsOver(config).createTeamATenant(tenant);
    const entity = await waitFor(
      async () => {
        const res = await get(
          `/api/catalog/entities/by-name/resource/default/${tenant}`,
        );
        return res.status === 200 ? res.json() : undefined;
      },
      {
        timeoutMs: 60_000,
        describe: () =>
          `tenant ${tenant} in the new app's catalog; backend said:\n${backend!
            .output()
            .split('\n')
            .filter(l => /kaas|error|warn/i.test(l))
            .slice(-20)
            .join('\n')}`,
      },
    );
    expect(entity.spec).toMatchObject({
      type: 'kubernetes-tenant',
      owner: 'group:default/team-a',
    });
  });
});
