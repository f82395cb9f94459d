import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import {
  adminKubectl,
  KUBECTL,
  REPO_ROOT,
  testCluster,
} from '@internal/kaas-test-cluster';

const execFileAsync = promisify(execFile);

/**
 * deploy/kubernetes and packages/backend/Dockerfile. No image can be built here: the base
 * is rendered with kubectl's kustomize and every object is sent to the local API server
 * as a server-side dry run (admission, schema and defaulting run; nothing is stored),
 * its configuration overlay is checked against the plugins' config schemas, and the
 * Dockerfile's sources are checked against the repository and `yarn build:backend`.
 */

const cluster = testCluster();
const DEPLOY = path.join(REPO_ROOT, 'deploy/kubernetes');

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: any;
};

async function rendered(): Promise<K8sObject[]> {
  const { stdout } = await execFileAsync(KUBECTL, ['kustomize', DEPLOY], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout).map(d => d.toJSON());
}

describe('the platform on Kubernetes (deploy/kubernetes, packages/backend/Dockerfile)', () => {
  it('renders with kustomize, and the local API server accepts every object in a server-side dry run', async () => {
    const objects = await rendered();
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-deploy-')),
      'rendered.yaml',
    );
    fs.writeFileSync(
      file,
      objects.map(o => JSON.stringify(o)).join('\n---\n'),
      'utf8',
    );
    const out = await adminKubectl(
      cluster,
      'apply',
      '--server-side',
      '--dry-run=server',
      // The local control plane applied the RBAC already, as its own field manager.
      '--force-conflicts',
      '--field-manager=kaas-deploy-check',
      '-f',
      file,
    );
    const accepted = out.trim().split('\n');
    expect(accepted).toHaveLength(objects.length);
    expect(accepted.every(line => / \(server dry run\)$/.test(line))).toBe(
      true,
    );

    const find = (kind: string, name: string) =>
      objects.find(o => o.kind === kind && o.metadata.name.startsWith(name));
    const deployment = find('Deployment', 'kaas-platform')!;
    const pod = deployment.spec.template.spec;
    const [backend] = pod.containers;
    expect(deployment.metadata.namespace).toBe('kaas-system');
    expect(deployment.spec.replicas).toBe(2);

    // In-cluster identity: backend-rbac.yaml's ServiceAccount, bound to its ClusterRole.
    expect(pod.serviceAccountName).toBe('backstage-kaas');
    const binding = objects.find(
      o =>
        o.kind === 'ClusterRoleBinding' &&
        o.subjects?.some(
          (s: any) =>
            s.kind === 'ServiceAccount' &&
            s.name === 'backstage-kaas' &&
            s.namespace === 'kaas-system',
        ),
    );
    expect(binding?.roleRef).toMatchObject({ kind: 'ClusterRole' });
    expect(find('ClusterRole', binding!.roleRef.name)).toBeDefined();

    // The configuration overlay, from the generated ConfigMap (its hashed name followed).
    const configMap = find('ConfigMap', 'kaas-platform-app-config')!;
    expect(pod.volumes).toContainEqual({
      name: 'app-config',
      configMap: { name: configMap.metadata.name },
    });
    expect(configMap.data['app-config.kubernetes.yaml']).toContain(
      'type: inCluster',
    );
    expect(backend.args).toEqual(
      expect.arrayContaining([
        '--config',
        '/etc/kaas-platform/app-config.kubernetes.yaml',
      ]),
    );

    // PostgreSQL from a Secret; the Kubernetes plugin's reader token, never the backend's.
    const secretEnv = Object.fromEntries(
      backend.env
        .filter((e: any) => e.valueFrom?.secretKeyRef)
        .map((e: any) => [e.name, e.valueFrom.secretKeyRef]),
    );
    expect(secretEnv).toEqual({
      POSTGRES_HOST: { name: 'kaas-platform-postgres', key: 'host' },
      POSTGRES_PORT: { name: 'kaas-platform-postgres', key: 'port' },
      POSTGRES_USER: { name: 'kaas-platform-postgres', key: 'user' },
      POSTGRES_PASSWORD: { name: 'kaas-platform-postgres', key: 'password' },
      KAAS_KUBERNETES_READER_TOKEN: {
        name: 'backstage-kubernetes-reader-token',
        key: 'token',
      },
    });

    // Probes on Backstage's health endpoints, requests and a memory limit.
    expect(backend.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(backend.livenessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
    expect(backend.startupProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(backend.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(backend.resources.limits.memory).toBeDefined();
    expect(find('PodDisruptionBudget', 'kaas-platform')?.spec).toMatchObject({
      minAvailable: 1,
    });
  }, 120_000);

  it("its configuration overlay matches every plugin's config schema (backstage-cli config:check --strict)", async () => {
    const configs = [
      'app-config.yaml',
      'app-config.production.yaml',
      'deploy/kubernetes/app-config.kubernetes.yaml',
    ];
    const check = (files: string[]) =>
      execFileAsync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules/.bin/backstage-cli'),
          'config:check',
          '--strict',
          '--lax',
          ...files.flatMap(f => ['--config', path.resolve(REPO_ROOT, f)]),
        ],
        { cwd: REPO_ROOT },
      );
    await expect(check(configs)).resolves.toBeDefined();

    // The check has teeth: an auth type the schema does not know is refused.
    const wrong = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-deploy-')),
      'wrong.yaml',
    );
    fs.writeFileSync(
      wrong,
      'kaas:\n  clusters:\n    - name: main\n      auth:\n        type: inClusterr\n',
    );
    await expect(check([...configs, wrong])).rejects.toThrow(
      /allowedValue=inCluster/,
    );
  }, 120_000);

  it('the Dockerfile copies only what the repository and `yarn build:backend` provide, and runs the configuration it copies', () => {
    const dockerfile = fs.readFileSync(
      path.join(REPO_ROOT, 'packages/backend/Dockerfile'),
      'utf8',
    );
    const copies = dockerfile
      .split('\n')
      .filter(line => line.startsWith('COPY '))
      .map(line =>
        line
          .split(/\s+/)
          .slice(1)
          .filter(word => !word.startsWith('--')),
      );
    expect(copies.length).toBeGreaterThan(0);
    const sources = copies.flatMap(words => words.slice(0, -1));
    // What `backstage-cli package build` of the backend writes, or repository files.
    const built = ['bundle.tar.gz', 'skeleton.tar.gz'].map(
      f => `packages/backend/dist/${f}`,
    );
    const missing = sources.filter(
      source =>
        !built.includes(source) && !fs.existsSync(path.join(REPO_ROOT, source)),
    );
    expect(missing).toEqual([]);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    const configs = cmd.filter((_, i) => cmd[i - 1] === '--config');
    for (const config of configs) expect(sources).toContain(config);
    expect(
      JSON.parse(
        fs.readFileSync(
          path.join(REPO_ROOT, 'packages/backend/package.json'),
          'utf8',
        ),
      ).scripts.build,
    ).toBe('backstage-cli package build');
  });
});
