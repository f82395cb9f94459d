import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONFIGMAP_CAPABILITY,
  freePort,
  ssoKubectl,
  startPlatformBackend,
  startSsoEnvironment,
  waitFor,
  type BackstageBackend,
  type SsoEnvironment,
} from '@internal/kaas-test-cluster';
import { instanceEntityRef } from '@kaas-platform/plugin-kaas-common';
import { chromium, type Browser } from 'playwright-core';
import {
  api,
  runTemplate,
  untilTaskStatus,
} from './__testUtils__/scaffolderTasks';

/**
 * Single sign-on end to end: a real Keycloak with the demo organisation, two control
 * planes (tenants and XaaS) that trust it, and the platform's backend with the shipped
 * app-config.sso.yaml: the company login (`auth.providers.oidc`, resolving the catalog
 * User by its Keycloak id), the organisation read from Keycloak into the catalog
 * (`@backstage-community/plugin-catalog-backend-module-keycloak`), no demo organisation
 * and no demo sign-in. Users sign in on Keycloak's own login page in Chromium.
 */
describe('Backstage signs in through Keycloak and reads the organisation from it; the OIDC kubeconfig works on both clusters (real Keycloak, backend, Chromium, kubectl)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-keycloak-signin-'));
  const tenant = `sso-${Math.random().toString(36).slice(2, 7)}`;
  let sso: SsoEnvironment;
  let kubectl: ReturnType<typeof ssoKubectl>;
  let backend: BackstageBackend;
  let browser: Browser;
  const figures: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const backendUrl = `http://127.0.0.1:${port}`;
    sso = await startSsoEnvironment({
      dir: path.join(dir, 'sso'),
      clusters: ['tenants', 'xaas'],
      backstageUrl: backendUrl,
    });
    const [tenants, xaas] = sso.clusters;
    const started = Date.now();
    backend = await startPlatformBackend({
      cluster: tenants,
      dir,
      port,
      signIn: 'oidc',
      // The shipped configuration of the local SSO platform, with its variables.
      configFiles: ['app-config.sso.yaml'],
      env: {
        // Node trusts Keycloak's certificate as it would a company CA's.
        NODE_EXTRA_CA_CERTS: sso.keycloak.caFile,
        KAAS_KEYCLOAK_URL: sso.keycloak.url,
        KAAS_KEYCLOAK_ISSUER: sso.issuer,
        KAAS_KEYCLOAK_CA_FILE: sso.keycloak.caFile,
        KAAS_BACKSTAGE_CLIENT_SECRET: sso.backstageClient.secret,
        KAAS_SESSION_SECRET: crypto.randomBytes(24).toString('base64url'),
        KAAS_XAAS_CLUSTER_URL: xaas.url,
        KAAS_XAAS_CLUSTER_DIR: path.dirname(xaas.caFile),
        KAAS_XAAS_KUBERNETES_READER_TOKEN: fs
          .readFileSync(xaas.kubernetesReaderTokenFile, 'utf8')
          .trim(),
      },
      config: {
        // The catalog reads Keycloak every 5 s here instead of 30.
        catalog: {
          providers: {
            keycloakOrg: {
              default: {
                schedule: {
                  frequency: { seconds: 5 },
                  timeout: { seconds: 30 },
                  initialDelay: { seconds: 0 },
                },
              },
            },
          },
        },
        kaas: { capabilities: { notes: CONFIGMAP_CAPABILITY } },
      },
    });
    figures.push(`backend ready ${Date.now() - started} ms after launch`);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    kubectl = ssoKubectl(sso, dir);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    await sso?.stop();
    console.log(`Keycloak sign-in: ${figures.join('; ')}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /**
   * Signs `user` in as the app's popup does: the backend's start URL, Keycloak's login
   * page (the form a person fills in), the handler; then the session's refresh call the
   * app makes gives the Backstage identity.
   */
  async function signIn(user: string, password = sso.password[user]) {
    // Keycloak's certificate is from the test's own CA, which Chromium does not know.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(
        `${
          backend.baseUrl
        }/api/auth/oidc/start?env=development&scope=${encodeURIComponent(
          'openid profile email',
        )}`,
      );
      await page.waitForSelector('#username').catch(async error => {
        throw new Error(
          `no Keycloak login form at ${page.url()}: ${(
            await page.content()
          ).slice(0, 2000)} (${error})`,
        );
      });
      await page.fill('#username', user);
      await page.fill('#password', password);
      await page.click('#kc-login');
      // Back at the backend's handler, or still on Keycloak's page saying why not.
      await Promise.race([
        page.waitForURL(/\/api\/auth\/oidc\/handler\/frame/, {
          timeout: 30_000,
        }),
        page
          .getByText('Invalid username or password')
          .waitFor({ timeout: 30_000 }),
      ]);
      const refresh = await context.request.get(
        `${backend.baseUrl}/api/auth/oidc/refresh?env=development`,
        { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
      );
      return {
        status: refresh.status(),
        body: await refresh.json().catch(() => null),
        page: await page.content(),
      };
    } finally {
      await context.close();
    }
  }

  /**
   * Signs in until the catalog has read `user` from Keycloak (its first sync): the
   * Backstage identity, and the Keycloak ID token the app hands the Kubernetes plugin.
   */
  async function sessionOf(user: string) {
    return waitFor(
      async () => {
        const result = await signIn(user);
        return result.status === 200 ? result.body : undefined;
      },
      { timeoutMs: 90_000, describe: () => `${user} signed in` },
    );
  }
  const identityOf = async (user: string) =>
    (await sessionOf(user)).backstageIdentity;

  /**
   * The objects of `plural` (core API group) Backstage's Kubernetes plugin shows for
   * `entityRef`, asked as the app asks it (the user's Backstage token, and the Keycloak ID
   * token for clusters with authProvider oidc), by cluster; and the clusters that refused.
   */
  async function kubernetesPluginSees(
    session: {
      backstageIdentity: { token: string };
      providerInfo: { idToken: string };
    },
    entityRef: string,
    plural: string,
  ) {
    const res = await api(
      backend,
      session.backstageIdentity.token,
      '/api/kubernetes/resources/custom/query',
      {
        entityRef,
        auth: { oidc: { keycloak: session.providerInfo.idToken } },
        customResources: [{ group: '', apiVersion: 'v1', plural }],
      },
    );
    expect(res.status).toBe(200);
    const seen: Record<string, string[]> = {};
    const refused: string[] = [];
    for (const item of res.body.items) {
      seen[item.cluster.name] = item.resources.flatMap((r: any) =>
        r.resources.map(
          (o: any) => `${o.metadata.namespace}/${o.metadata.name}`,
        ),
      );
      if (item.errors.some((e: any) => e.statusCode === 403)) {
        refused.push(item.cluster.name);
      }
    }
    return { seen, refused: refused.sort() };
  }

  /** kubectl with `file`, logging in to Keycloak as `user` through kubectl kaas-login. */
  const kubectlAs = (user: string, file: string, ...args: string[]) =>
    kubectl(user, file, ...args);

  it("signs alice in on Keycloak's login page as the catalog's user:default/alice, with her Keycloak groups", async () => {
    const started = Date.now();
    const identity = await identityOf('alice');
    figures.push(
      `first sign-in of alice (catalog's first Keycloak sync included) ${
        Date.now() - started
      } ms`,
    );
    expect(identity.identity).toMatchObject({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: expect.arrayContaining([
        'user:default/alice',
        'group:default/team-a',
      ]),
    });
    const warm = Date.now();
    await identityOf('alice');
    figures.push(`a later sign-in ${Date.now() - warm} ms`);

    const user = await api(
      backend,
      identity.token,
      '/api/catalog/entities/by-name/user/default/alice',
    );
    expect(user.body.metadata.annotations['keycloak.org/id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(user.body.spec.memberOf).toEqual(expect.arrayContaining(['team-a']));
  });

  it('refuses a wrong password on the login page and has no demo sign-in beside the company login', async () => {
    const wrong = await signIn('alice', 'not-her-password');
    expect(wrong.status).not.toBe(200);
    expect(wrong.page).toMatch(/Invalid username or password/);
    const demo = await fetch(`${backend.baseUrl}/api/auth/demo/refresh`, {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'x-kaas-demo-user': 'alice',
      },
    });
    expect(demo.status).toBe(404);
  });

  it("gives alice an OIDC kubeconfig of her tenant that works on the tenants and the XaaS cluster; bob gets none of hers and nothing with it; leaving team-a in Keycloak ends her access in Backstage's catalog and on both clusters", async () => {
    const alice = await identityOf('alice');
    const task = await runTemplate(
      backend,
      alice.token,
      'kubernetes-tenant-namespace',
      { name: tenant, owner: 'group:default/team-a', profile: 'small' },
    );
    await untilTaskStatus(backend, alice.token, task, 'completed');
    const instanceTask = await runTemplate(backend, alice.token, 'xaas-notes', {
      tenant,
      name: 'notes',
      plan: 'standard',
    });
    await untilTaskStatus(backend, alice.token, instanceTask, 'completed');
    const issued = await api(
      backend,
      alice.token,
      `/api/kaas/tenants/${tenant}/kubeconfig`,
      { mode: 'oidc' },
    );
    expect(issued.status).toBe(200);
    expect(issued.body.otherContexts).toEqual([
      {
        context: `${tenant}-xaas@xaas`,
        cluster: 'xaas',
        namespace: `t-${tenant}-xaas`,
      },
    ]);
    const file = path.join(dir, issued.body.filename);
    fs.writeFileSync(file, issued.body.kubeconfig);

    const started = Date.now();
    expect(
      await kubectlAs('alice', file, 'get', 'configmaps', '-o', 'name'),
    ).toEqual({
      ok: true,
      out: expect.stringContaining('configmap/kube-root-ca.crt'),
    });
    figures.push(
      `login to the first kubectl answer with the downloaded file ${
        Date.now() - started
      } ms`,
    );
    // Backstage's Kubernetes plugin reads as alice, with her RBAC: ConfigMaps (which the
    // plugin's reader account of the demo setup may not read) of her instance on the
    // XaaS cluster, where her group has view; the tenants cluster refuses her there.
    const instanceRef = instanceEntityRef(tenant, 'notes');
    expect(
      await kubernetesPluginSees(
        await sessionOf('alice'),
        instanceRef,
        'configmaps',
      ),
    ).toEqual({
      seen: { tenants: [], xaas: [`t-${tenant}-xaas/notes`] },
      refused: ['tenants'],
    });
    // Her instance, in her XaaS namespace on the XaaS cluster, with the same login.
    expect(
      await kubectlAs(
        'alice',
        file,
        '--context',
        `${tenant}-xaas@xaas`,
        'get',
        'configmap',
        'notes',
        '-o',
        'jsonpath={.data.owner}',
      ),
    ).toEqual({ ok: true, out: 'oidc:team-a' });

    const bob = await identityOf('bob');
    expect(
      (
        await api(
          backend,
          bob.token,
          `/api/kaas/tenants/${tenant}/kubeconfig`,
          {
            mode: 'oidc',
          },
        )
      ).status,
    ).toBe(403);
    expect(await kubectlAs('bob', file, 'get', 'configmaps')).toEqual({
      ok: false,
      out: expect.stringMatching(/forbidden/i),
    });

    await sso.removeFromGroup('alice', 'team-a');
    const removed = Date.now();
    const left = await waitFor(
      async () => {
        const identity = (await signIn('alice')).body?.backstageIdentity;
        return identity &&
          !identity.identity.ownershipEntityRefs.includes(
            'group:default/team-a',
          )
          ? identity
          : undefined;
      },
      { timeoutMs: 90_000, describe: () => 'alice out of team-a in Backstage' },
    );
    figures.push(
      `group removal in Keycloak to Backstage's catalog ${
        Date.now() - removed
      } ms`,
    );
    const user = await api(
      backend,
      left.token,
      '/api/catalog/entities/by-name/user/default/alice',
    );
    expect(user.body.spec.memberOf).not.toContain('team-a');
    // The Kubernetes plugin, reading with her new token, sees nothing of team-a's now.
    const after = await kubernetesPluginSees(
      await sessionOf('alice'),
      instanceRef,
      'configmaps',
    );
    expect(after.seen.xaas ?? []).toEqual([]);
    // Backstage no longer lets her have a kubeconfig of team-a's tenant.
    expect(
      (
        await api(
          backend,
          left.token,
          `/api/kaas/tenants/${tenant}/kubeconfig`,
          {
            mode: 'oidc',
          },
        )
      ).status,
    ).toBe(403);
    // Her next login (a refresh gets the same) has no team-a: Forbidden on both clusters.
    kubectl.forget('alice');
    for (const context of [`${tenant}@tenants`, `${tenant}-xaas@xaas`]) {
      expect(
        await kubectlAs(
          'alice',
          file,
          '--context',
          context,
          'get',
          'configmaps',
        ),
      ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    }
  });
});
