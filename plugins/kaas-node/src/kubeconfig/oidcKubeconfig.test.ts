import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader, type JsonObject } from '@backstage/config';
import {
  CONFIGMAP_CAPABILITY,
  KUBECTL,
  SSO_KUBECTL_CLIENT,
  ssoKubectl,
  startSsoEnvironment,
  untitledClusterEntry,
  type SsoEnvironment,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { tenantTestConfig } from '../__testUtils__/tenantTestPolicy';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { InstanceService } from '../instances/InstanceService';
import { readCapabilities } from '../instances/readCapabilities';
import { TenantService } from '../tenants/TenantService';
import { capabilityInstanceKinds } from '../tenants/tenantInstances';
import { KubeconfigIssuer } from './KubeconfigIssuer';

const execFileAsync = promisify(execFile);

/**
 * The product's OIDC kubeconfig with the cluster side of single sign-on: a real Keycloak,
 * a tenants cluster and an XaaS cluster whose API servers trust it (groups prefixed
 * `oidc:`), `kaas.oidc.groupsPrefix: oidc:`. A namespace tenant lives on the tenants
 * cluster and its instances go to its XaaS namespace on the XaaS cluster; one downloaded
 * file reaches both with one login through `kubectl kaas-login` (password grant here, in
 * place of the device grant's browser step), and only for members of the owner group.
 */
describe('OIDC kubeconfig of a namespace tenant whose instances live on an XaaS cluster (real Keycloak, two real API servers, kubectl with kubectl kaas-login)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-oidc-kubeconfig-'));
  const suffix = Math.random().toString(36).slice(2, 7);
  const mine = `sso-a-${suffix}`;
  const theirs = `sso-b-${suffix}`;
  let sso: SsoEnvironment;
  let kubectl: ReturnType<typeof ssoKubectl>;
  let tenants: TenantService;
  let issuer: KubeconfigIssuer;
  let file: string;
  let issued: Awaited<ReturnType<KubeconfigIssuer['issue']>>;

  beforeAll(async () => {
    sso = await startSsoEnvironment({
      dir: path.join(dir, 'sso'),
      clusters: ['tenants', 'xaas'],
    });
    const [tenantsCluster, xaasCluster] = sso.clusters;
    const { kaas } = tenantTestConfig([
      {
        ...untitledClusterEntry(tenantsCluster, 'tenants'),
        roles: ['tenants'],
      },
      { ...untitledClusterEntry(xaasCluster, 'xaas'), roles: ['xaas'] },
    ]).get() as { kaas: JsonObject };
    const config = new ConfigReader({
      kaas: {
        ...kaas,
        oidc: {
          issuerUrl: sso.issuer,
          clientId: SSO_KUBECTL_CLIENT,
          groupsPrefix: 'oidc:',
          caFile: sso.keycloak.caFile,
        },
        capabilities: { notes: CONFIGMAP_CAPABILITY },
      },
    });
    const clusters = ClusterRegistry.fromConfig(config);
    tenants = TenantService.fromConfig(config, {
      clusters,
      instanceKinds: capabilityInstanceKinds(readCapabilities(config)),
    });
    const instances = InstanceService.fromConfig(config, { tenants, clusters });
    issuer = KubeconfigIssuer.fromConfig(config, { clusters, tenants });
    for (const [name, owner] of [
      [mine, 'team-a'],
      [theirs, 'team-b'],
    ]) {
      await tenants.create(
        tenants.validate({
          name,
          owner,
          isolation: 'namespace',
          profile: 'small',
        }),
      );
      await instances.create({
        tenant: name,
        capability: 'notes',
        name: 'notes',
        plan: 'standard',
      });
    }
    issued = await issuer.issue(mine, {
      mode: 'oidc',
      issuedTo: 'user:default/alice',
    });
    file = path.join(dir, issued.filename);
    fs.writeFileSync(file, issued.kubeconfig);
    kubectl = ssoKubectl(sso, dir);
  }, 600_000);

  afterAll(async () => {
    await sso?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** kubectl with the downloaded file, as `user` logging in through kubectl kaas-login. */
  const kubectlAs = (user: string, ...args: string[]) =>
    kubectl(user, file, ...args);
  const home = () => `${mine}@tenants`;
  const xaas = () => `${mine}-xaas@xaas`;

  it('is one file with a context for the home namespace and one for the XaaS namespace, no secret inside', () => {
    const parsed = YAML.parse(issued.kubeconfig);
    expect(issued.context).toBe(home());
    expect(issued.otherContexts).toEqual([
      { context: xaas(), cluster: 'xaas', namespace: `t-${mine}-xaas` },
    ]);
    expect(parsed.contexts.map((c: any) => [c.name, c.context])).toEqual([
      [
        home(),
        { cluster: 'tenants', user: `${mine}-oidc`, namespace: `t-${mine}` },
      ],
      [
        xaas(),
        { cluster: 'xaas', user: `${mine}-oidc`, namespace: `t-${mine}-xaas` },
      ],
    ]);
    expect(parsed.clusters.map((c: any) => c.name)).toEqual([
      'tenants',
      'xaas',
    ]);
    expect(parsed.users).toHaveLength(1);
    expect(parsed.users[0].user.token).toBeUndefined();
    expect(parsed.users[0].user.exec.args).toEqual(
      expect.arrayContaining(['kaas-login', 'get-token']),
    );
  });

  it("works for alice in her namespace on the tenants cluster and her XaaS namespace on the XaaS cluster, and is Forbidden in bob's on both", async () => {
    const started = Date.now();
    const own = await kubectlAs(
      'alice',
      'get',
      'configmap',
      'kube-root-ca.crt',
      '-o',
      'name',
    );
    const loginToFirstKubectlMs = Date.now() - started;
    expect(own).toEqual({ ok: true, out: 'configmap/kube-root-ca.crt\n' });
    // admin at home: she can write there.
    expect(
      (await kubectlAs('alice', 'create', 'configmap', 'made-by-alice')).ok,
    ).toBe(true);
    // view in the XaaS namespace: her instance, not its secrets.
    expect(
      await kubectlAs(
        'alice',
        '--context',
        xaas(),
        'get',
        'configmap',
        'notes',
        '-o',
        'jsonpath={.data.owner}',
      ),
    ).toEqual({ ok: true, out: 'oidc:team-a' });
    expect(
      await kubectlAs('alice', '--context', xaas(), 'get', 'secrets'),
    ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    expect(
      await kubectlAs('alice', '--context', xaas(), 'create', 'configmap', 'x'),
    ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    expect(
      await kubectlAs('alice', 'get', 'configmaps', '-n', `t-${theirs}`),
    ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    expect(
      await kubectlAs(
        'alice',
        '--context',
        xaas(),
        'get',
        'configmaps',
        '-n',
        `t-${theirs}-xaas`,
      ),
    ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    console.log(
      `OIDC kubeconfig: login (password grant) to the first kubectl answer ${loginToFirstKubectlMs} ms`,
    );
  });

  it("gives bob nothing with alice's file: it holds no credential, his own login has his groups", async () => {
    for (const context of [home(), xaas()]) {
      expect(
        await kubectlAs('bob', '--context', context, 'get', 'configmaps'),
      ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    }
  });

  it("lets the platform team look into the tenant's namespace (view, through the prefixed group of the baseline), not change it", async () => {
    expect(
      (await kubectlAs('petra', '--context', home(), 'get', 'configmaps')).ok,
    ).toBe(true);
    expect(
      await kubectlAs('petra', '--context', home(), 'create', 'configmap', 'p'),
    ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
  });

  it("ends alice's access on both clusters once she leaves team-a in Keycloak and logs in again, with no RoleBinding edited", async () => {
    await sso.removeFromGroup('alice', 'team-a');
    // Her cached tokens were issued before; a new login (what a refresh also gets) has no team-a.
    kubectl.forget('alice');
    for (const context of [home(), xaas()]) {
      expect(
        await kubectlAs('alice', '--context', context, 'get', 'configmaps'),
      ).toEqual({ ok: false, out: expect.stringMatching(/forbidden/i) });
    }
  });

  it("moves the owner group's view of the XaaS namespace with a transfer: bob's team gets alice's tenant in both places", async () => {
    const result = await tenants.transfer(mine, 'team-b', {
      kubeconfigs: issuer,
    });
    expect(result.moved).toEqual(
      expect.arrayContaining([
        `RoleBinding 't-${mine}-xaas/tenant-owner-view' on cluster 'xaas'`,
      ]),
    );
    expect(
      await kubectlAs(
        'bob',
        '--context',
        xaas(),
        'get',
        'configmap',
        'notes',
        '-o',
        'name',
      ),
    ).toEqual({ ok: true, out: 'configmap/notes\n' });
    expect(
      (await kubectlAs('bob', '--context', home(), 'get', 'configmaps')).ok,
    ).toBe(true);
  });

  it('deletes a namespace tenant with its instances on the XaaS cluster, XaaS namespace and all', async () => {
    await tenants.delete(theirs, {
      deleteInstances: true,
      waitUntilGone: true,
    });
    const xaasNamespace = await execFileAsync(KUBECTL, [
      '--kubeconfig',
      sso.clusters[1].adminKubeconfig,
      'get',
      'namespace',
      `t-${theirs}-xaas`,
      '-o',
      'jsonpath={.status.phase}',
    ]).then(
      ({ stdout }) => stdout,
      error => String(error.stderr),
    );
    expect(xaasNamespace).toMatch(/Terminating|NotFound/);
  });
});
