import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  REPO_ROOT,
  startBackstageBackend,
  startPostgres,
  testCluster,
} from '@internal/kaas-test-cluster';

const productionConfig = [
  path.join(REPO_ROOT, 'app-config.yaml'),
  path.join(REPO_ROOT, 'app-config.production.yaml'),
];

function writeConfig(dir: string, name: string, yaml: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  return file;
}

describe('the Backstage backend process (packages/backend)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-backend-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cluster = testCluster();
  const clusterEnv = () => ({
    KAAS_CLUSTER_NAME: 'test',
    KAAS_CLUSTER_URL: cluster.url,
    KAAS_CLUSTER_CA_FILE: cluster.caFile,
    KAAS_CLUSTER_TOKEN: fs
      .readFileSync(cluster.backendTokenFile, 'utf8')
      .trim(),
    KAAS_KUBERNETES_READER_TOKEN: fs
      .readFileSync(cluster.kubernetesReaderTokenFile, 'utf8')
      .trim(),
    KAAS_CATALOG_ROOT: REPO_ROOT,
  });

  it('boots on a real PostgreSQL with the production config and serves the catalog and /api/kaas', async () => {
    const postgres = await startPostgres();
    const port = await freePort();
    const token = crypto.randomBytes(24).toString('base64url');
    const extra = writeConfig(
      dir,
      'pg-test.yaml',
      [
        'backend:',
        '  auth:',
        '    externalAccess:',
        '      - type: static',
        `        options: { token: ${token}, subject: backend-test }`,
      ].join('\n'),
    );
    const backend = await startBackstageBackend({
      port,
      configFiles: [...productionConfig, extra],
      env: {
        ...clusterEnv(),
        BACKSTAGE_BASE_URL: `http://127.0.0.1:${port}`,
        BACKSTAGE_PORT: String(port),
        BACKSTAGE_HOST: '127.0.0.1',
        POSTGRES_HOST: postgres.host,
        POSTGRES_PORT: String(postgres.port),
        POSTGRES_USER: postgres.user,
        POSTGRES_PASSWORD: postgres.password,
      },
    });
    try {
      const get = (url: string) =>
        fetch(`${backend.baseUrl}${url}`, {
          headers: { Authorization: `Bearer ${token}` },
        });

      // The catalog reads the suite's own entities into PostgreSQL (users and groups
      // come from the identity provider in production, none here).
      let components: string[] = [];
      const deadline = Date.now() + 60_000;
      const suite = ['kaas-node', 'kaas-backend', 'kaas-frontend'];
      const allThere = () => suite.every(c => components.includes(c));
      // Entities of one file are stitched one by one: wait for all of them.
      while (Date.now() < deadline && !allThere()) {
        const res = await get(
          '/api/catalog/entities/by-query?filter=kind=component',
        );
        expect(res.status).toBe(200);
        components = (await res.json()).items.map((e: any) => e.metadata.name);
        if (!allThere()) await new Promise(r => setTimeout(r, 500));
      }
      expect(components).toEqual(expect.arrayContaining(suite));

      const clusters = await get('/api/kaas/clusters');
      expect(clusters.status).toBe(200);
      expect(await clusters.json()).toEqual({
        items: [
          {
            name: 'test',
            title: 'test',
            roles: ['tenants', 'management', 'xaas'],
          },
        ],
      });

      const profiles = await get('/api/kaas/profiles');
      expect(profiles.status).toBe(200);
      const items = (await profiles.json()).items;
      expect(items.map((p: { name: string }) => p.name)).toEqual([
        'small',
        'medium',
        'large',
      ]);
      expect(items[2].isolations).toEqual(['namespace', 'vcluster', 'cluster']);
      expect(items[0].quota.pods).toBe('20');

      const unauthenticated = await fetch(
        `${backend.baseUrl}/api/kaas/clusters`,
      );
      expect(unauthenticated.status).toBe(401);

      const db = new Client({
        host: postgres.host,
        port: postgres.port,
        user: postgres.user,
        password: postgres.password,
        database: 'postgres',
      });
      await db.connect();
      const { rows } = await db.query('SELECT datname FROM pg_database');
      await db.end();
      expect(rows.map(r => r.datname)).toEqual(
        expect.arrayContaining([
          'backstage_plugin_catalog',
          'backstage_plugin_scaffolder',
        ]),
      );
    } finally {
      await backend.stop();
      await postgres.stop();
    }
  }, 300_000);

  it('refuses to start with a bad cluster entry and names the key', async () => {
    const port = await freePort();
    const bad = writeConfig(
      dir,
      'bad-cluster.yaml',
      [
        'backend:',
        `  baseUrl: http://127.0.0.1:${port}`,
        `  listen: { port: ${port}, host: 127.0.0.1 }`,
        'kaas:',
        '  clusters:',
        '    - name: local',
        `      url: ${cluster.url.replace('https:', 'http:')}`,
        `      caFile: ${cluster.caFile}`,
        '      roles: [tenants]',
        `      auth: { type: tokenFile, tokenFile: ${cluster.backendTokenFile} }`,
      ].join('\n'),
    );
    const backend = await startBackstageBackend({
      port,
      configFiles: [path.join(REPO_ROOT, 'app-config.yaml'), bad],
      env: { KAAS_LOCAL_KUBERNETES_READER_TOKEN: 'unused' },
      expectExit: true,
    });
    const code = await Promise.race([
      backend.exited,
      new Promise<'running'>(r => setTimeout(() => r('running'), 150_000)),
    ]);
    await backend.stop();
    expect(code).not.toBe(0);
    expect(backend.output()).toContain(
      "Invalid cluster configuration at 'kaas.clusters[0].url'",
    );
    expect(backend.output()).toContain('must use https');
  }, 200_000);
});
