import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';
import { KUBECTL, uniqueName, waitFor } from '@internal/kaas-test-cluster';
import request from 'supertest';
import YAML from 'yaml';
import {
  credentialRoutesConfigReader,
  ownerPolicy,
  startCredentialRoutesBackend,
  tenantsOver,
} from '../__testUtils__/credentialRoutesBackend';

const execFileAsync = promisify(execFile);

async function kubectlWith(kubeconfig: string, ...args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-route-kubeconfig-'));
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    const { stdout } = await execFileAsync(KUBECTL, [
      '--kubeconfig',
      file,
      ...args,
    ]);
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('kubeconfig routes against the local control plane', () => {
  const alice = mockCredentials.user.header('user:default/alice');
  const bob = mockCredentials.user.header('user:default/bob');
  const petra = mockCredentials.user.header('user:default/petra');
  const tenant = uniqueName('kc-route');
  const policy = ownerPolicy();
  let backend: Awaited<ReturnType<typeof startCredentialRoutesBackend>>;

  beforeAll(async () => {
    await tenantsOver(credentialRoutesConfigReader()).createTenant(
      tenant,
      'group:default/team-a',
    );
    backend = await startCredentialRoutesBackend(policy);
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('issues a token kubeconfig to a member of the owner group; kubectl works with it; the audit log has the issuance, no log line has the token', async () => {
    const res = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/kubeconfig`)
      .set('Authorization', alice)
      .send({ mode: 'token', ttlSeconds: 900 });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      tenant,
      cluster: 'local',
      namespace: `t-${tenant}`,
      context: `${tenant}@local`,
      mode: 'token',
      filename: `${tenant}.kubeconfig`,
      kubectl: `kubectl --kubeconfig ${tenant}.kubeconfig get pods`,
    });
    expect(policy.requests).toContainEqual({
      permission: 'kaas.tenant.kubeconfig.create',
    });

    const token: string = YAML.parse(res.body.kubeconfig).users[0].user.token;
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    );
    expect(payload.exp - payload.iat).toBe(900);
    expect(
      await kubectlWith(
        res.body.kubeconfig,
        'auth',
        'can-i',
        'create',
        'deployments',
        '-n',
        `t-${tenant}`,
      ),
    ).toEqual({ code: 0, out: 'yes\n' });

    const listed = await request(backend.server)
      .get(`/api/kaas/tenants/${tenant}/kubeconfigs`)
      .set('Authorization', alice);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual({
      id: res.body.issuanceId,
      issuedTo: 'user:default/alice',
      issuedAt: expect.any(String),
      expiresAt: res.body.expiresAt,
      mode: 'token',
    });

    const events = backend.logger
      .auditEvents()
      .filter(e => e.eventId === 'kubeconfig-issue');
    expect(events.map(e => e.status)).toEqual(['initiated', 'succeeded']);
    expect(events[1]).toMatchObject({
      plugin: 'kaas',
      severityLevel: 'high',
      actor: { actorId: 'user:default/alice' },
      request: { method: 'POST' },
      meta: {
        tenant,
        mode: 'token',
        ttlSeconds: 900,
        issuanceId: res.body.issuanceId,
        expiresAt: res.body.expiresAt,
      },
    });
    const everything = backend.logger.lines.join('\n');
    expect(everything).toContain(res.body.issuanceId);
    expect(everything).not.toContain(token);
    // Not even a part of it (its signature) or the payload segment.
    for (const part of token.split('.').slice(1)) {
      expect(everything).not.toContain(part);
    }
  });

  it('issues OIDC kubeconfigs, and tells the lifetimes a form may offer', async () => {
    const options = await request(backend.server)
      .get('/api/kaas/kubeconfig-options')
      .set('Authorization', bob);
    expect(options.status).toBe(200);
    expect(options.body).toEqual({
      modes: ['token', 'oidc', 'cluster'],
      defaultTtlSeconds: 1800,
      maxTtlSeconds: 7200,
      minTtlSeconds: 600,
    });

    const res = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/kubeconfig`)
      .set('Authorization', alice)
      .send({ mode: 'oidc' });
    expect(res.status).toBe(200);
    expect(YAML.parse(res.body.kubeconfig).users[0].user.exec.args).toEqual([
      'kaas-login',
      'get-token',
      '--issuer-url=https://sso.example.com/realms/main',
      '--client-id=kubernetes',
      '--extra-scope=groups',
    ]);
    expect(
      backend.logger
        .auditEvents()
        .find(e => e.eventId === 'kubeconfig-issue' && e.meta?.mode === 'oidc')
        ?.meta,
    ).toEqual({ tenant, mode: 'oidc' });
  });

  it('refuses other teams, saying who may, and audits the refusal', async () => {
    for (const [method, route, action] of [
      ['post', 'kubeconfig', 'download a kubeconfig for'],
      ['get', 'kubeconfigs', 'list the kubeconfigs of'],
      ['delete', 'kubeconfigs', 'revoke the kubeconfigs of'],
    ] as const) {
      const res = await request(backend.server)
        [method](`/api/kaas/tenants/${tenant}/${route}`)
        .set('Authorization', bob)
        .send(method === 'post' ? { mode: 'token' } : undefined);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `Only members of group:default/team-a and platform admins (group:default/platform-team) may ${action} tenant '${tenant}'`,
      );
      expect(res.body.kubeconfig).toBeUndefined();
    }
    const refused = backend.logger
      .auditEvents()
      .filter(
        e => e.status === 'failed' && e.actor?.actorId === 'user:default/bob',
      );
    expect(refused.map(e => e.eventId).sort()).toEqual([
      'kubeconfig-issue',
      'kubeconfig-revoke',
    ]);
    expect(refused[0].error?.message ?? refused[0].message).toBeDefined();

    // Platform admins may.
    const admin = await request(backend.server)
      .get(`/api/kaas/tenants/${tenant}/kubeconfigs`)
      .set('Authorization', petra);
    expect(admin.status).toBe(200);
  });

  it('answers 400 for a bad request body and 404 for an unknown tenant', async () => {
    for (const [body, message] of [
      [
        { mode: 'admin' },
        /^Invalid kubeconfig request: mode: must be one of token, oidc, cluster$/,
      ],
      [
        {},
        /^Invalid kubeconfig request: mode: must be one of token, oidc, cluster$/,
      ],
      [
        { mode: 'token', ttlSeconds: '900' },
        /ttlSeconds: must be a number of seconds/,
      ],
      [{ mode: 'token', ttl: 900 }, /Unrecognized key.*ttl/],
      [
        { mode: 'token', ttlSeconds: 60 },
        /^ttlSeconds 60 is out of range; a token kubeconfig lives from 600 s \(10 min\) to 7200 s \(2 h, kaas.kubeconfig.maxTtl\)$/,
      ],
      [{ mode: 'cluster' }, /offers token, oidc kubeconfigs, not cluster/],
    ] as const) {
      const res = await request(backend.server)
        .post(`/api/kaas/tenants/${tenant}/kubeconfig`)
        .set('Authorization', alice)
        .send(body);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
    const missing = uniqueName('missing');
    const res = await request(backend.server)
      .post(`/api/kaas/tenants/${missing}/kubeconfig`)
      .set('Authorization', alice)
      .send({ mode: 'token' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(`Tenant '${missing}' does not exist`);
    const badName = await request(backend.server)
      .get('/api/kaas/tenants/Not_A_Name/kubeconfigs')
      .set('Authorization', alice);
    expect(badName.status).toBe(400);
  });

  it('refuses the unauthenticated', async () => {
    const res = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/kubeconfig`)
      .send({ mode: 'token' });
    expect([401, 403]).toContain(res.status);
    expect(res.body.kubeconfig).toBeUndefined();
  });

  it('revokes every token kubeconfig of the tenant: kubectl is refused afterwards', async () => {
    const issued = await request(backend.server)
      .post(`/api/kaas/tenants/${tenant}/kubeconfig`)
      .set('Authorization', alice)
      .send({ mode: 'token' });
    expect(issued.status).toBe(200);
    const token = YAML.parse(issued.body.kubeconfig).users[0].user.token;
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    );
    expect(payload.exp - payload.iat).toBe(1800); // kaas.kubeconfig.defaultTtl
    expect(
      (await kubectlWith(issued.body.kubeconfig, 'get', 'pods')).code,
    ).toBe(0);

    const revoked = await request(backend.server)
      .delete(`/api/kaas/tenants/${tenant}/kubeconfigs`)
      .set('Authorization', alice);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toBeGreaterThanOrEqual(1);
    expect(
      backend.logger
        .auditEvents()
        .find(
          e => e.eventId === 'kubeconfig-revoke' && e.status === 'succeeded',
        )?.meta,
    ).toEqual({ tenant, revoked: revoked.body.revoked });

    const after = await waitFor(
      async () => {
        const result = await kubectlWith(issued.body.kubeconfig, 'get', 'pods');
        return result.code !== 0 ? result : undefined;
      },
      {
        timeoutMs: 30_000,
        describe: () => 'kubectl still works after revocation',
      },
    );
    expect(after.out).toMatch(/Unauthorized/);
    const listed = await request(backend.server)
      .get(`/api/kaas/tenants/${tenant}/kubeconfigs`)
      .set('Authorization', alice);
    expect(listed.body).toEqual({ items: [] });
    expect(backend.logger.lines.join('\n')).not.toContain(token);
  });
});
