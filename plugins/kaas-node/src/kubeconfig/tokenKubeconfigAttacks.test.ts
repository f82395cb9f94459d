import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  adminKubectl,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { localTestServices } from '../__testUtils__/localTestServices';
import {
  jwtPayload,
  kubectlWith,
  writeTemp,
} from '../__testUtils__/kubectlWith';

const TOKEN_REFUSED =
  /ServiceAccount tokens cannot be requested in tenant namespaces.*Download a kubeconfig from the tenant's page in Backstage/;
const TOKEN_SECRET_REFUSED =
  /Secrets of type kubernetes.io\/service-account-token hold a token that never expires and are refused in tenant namespaces/;
/** --service-account-max-token-expiration of the local control plane (tools/local-cluster/up.go). */
const APISERVER_MAX_TOKEN_SECONDS = 8 * 3600;

/** A Secret the token controller fills with a never-expiring token of `serviceAccount`. */
function tokenSecret(name: string, namespace: string, serviceAccount: string) {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      annotations: { 'kubernetes.io/service-account.name': serviceAccount },
    },
    type: 'kubernetes.io/service-account-token',
  });
}

describe('a holder of a token kubeconfig attacking with the real kubectl, against the local control plane', () => {
  const cluster = testCluster();
  const { tenants, issuer, platformNamespace: platform } = localTestServices();
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const tenant = uniqueName('kc-attack');
  const namespace = `t-${tenant}`;
  let kubeconfig: string;
  let issuanceId: string;

  beforeAll(async () => {
    await tenants.create(
      tenants.validate({
        name: tenant,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'open',
      }),
    );
    const issued = await issuer.issue(tenant, {
      mode: 'token',
      ttlSeconds: 600,
      issuedTo: 'user:default/alice',
    });
    kubeconfig = writeTemp(issued.filename, issued.kubeconfig);
    issuanceId = issued.issuanceId!;
    // The admission policy is applied when the control plane starts; the API server
    // enforces it once it has compiled it. Wait for that, so every attack below is
    // refused at its first try.
    await waitFor(
      async () => {
        const probe = await kubectlWith(
          kubeconfig,
          'create',
          '--dry-run=server',
          '-f',
          writeTemp('probe.yaml', tokenSecret('probe', namespace, 'default')),
        );
        return TOKEN_SECRET_REFUSED.test(probe.out) ? true : undefined;
      },
      {
        timeoutMs: 30_000,
        describe: () => 'the tenant token policy to be enforced',
      },
    );
  });

  it("widens the owners' RoleBinding to another group: a policy rollout lists it and puts it back", async () => {
    const widened = await kubectlWith(
      kubeconfig,
      'patch',
      'rolebinding',
      'tenant-owner-admin',
      '-n',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/subjects/-',
          value: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Group',
            name: 'team-b',
          },
        },
      ]),
    );
    expect(widened).toMatchObject({ code: 0 });
    const rollout = (dryRun: boolean) =>
      tenants.rollOut(
        { names: [tenant] },
        {
          batchSize: 1,
          stopOnFirstFailure: true,
          dryRun,
          logger: capturingLogger(),
        },
      );
    const dry = await rollout(true);
    expect(dry.behind[0]?.changes).toContainEqual(
      expect.objectContaining({
        object: `RoleBinding '${namespace}/tenant-owner-admin'`,
        path: 'subjects',
      }),
    );
    expect((await rollout(false)).reconciled).toEqual([tenant]);
    const subjects = JSON.parse(
      await adminKubectl(
        testCluster(),
        'get',
        'rolebinding',
        'tenant-owner-admin',
        '-n',
        namespace,
        '-o',
        'json',
      ),
    ).subjects.map((s: { name: string }) => s.name);
    expect(subjects).not.toContain('team-b');
  });

  it('cannot mint a token for the kubeconfig ServiceAccount: it is not in the tenant namespace, and the platform namespace is out of reach', async () => {
    const own = await kubectlWith(
      kubeconfig,
      'create',
      'token',
      `kubeconfig-${tenant}`,
      '-n',
      platform,
      '--duration=8760h',
    );
    expect(own.code).not.toBe(0);
    expect(own.out).toMatch(/forbidden/i);
    // The name earlier versions used, in the tenant namespace: gone.
    const legacy = await kubectlWith(
      kubeconfig,
      'create',
      'token',
      'kaas-kubeconfig',
      '--duration=8760h',
    );
    expect(legacy.code).not.toBe(0);
    expect(legacy.out).toMatch(/not found/i);
  });

  it('cannot mint a token for a ServiceAccount it creates and binds to admin, directly or by impersonating it', async () => {
    expect(
      await kubectlWith(kubeconfig, 'create', 'serviceaccount', 'backdoor'),
    ).toMatchObject({ code: 0 });
    expect(
      await kubectlWith(
        kubeconfig,
        'create',
        'rolebinding',
        'backdoor',
        '--clusterrole=admin',
        `--serviceaccount=${namespace}:backdoor`,
      ),
    ).toMatchObject({ code: 0 });
    for (const as of [
      [],
      [`--as=system:serviceaccount:${namespace}:backdoor`],
    ]) {
      const minted = await kubectlWith(
        kubeconfig,
        ...as,
        'create',
        'token',
        'backdoor',
        '--duration=8760h',
      );
      expect(minted.code).not.toBe(0);
      expect(minted.out).toMatch(TOKEN_REFUSED);
    }
  });

  it('cannot create a never-expiring token Secret', async () => {
    for (const serviceAccount of ['backdoor', 'default']) {
      const created = await kubectlWith(
        kubeconfig,
        'create',
        '-f',
        writeTemp(
          'secret.yaml',
          tokenSecret(`${serviceAccount}-token`, namespace, serviceAccount),
        ),
      );
      expect(created.code).not.toBe(0);
      expect(created.out).toMatch(TOKEN_SECRET_REFUSED);
    }
    const tokenSecrets = (
      await core.listNamespacedSecret({ namespace })
    ).items.filter(s => s.type === 'kubernetes.io/service-account-token');
    expect(tokenSecrets).toEqual([]);
  });

  it('cannot read, edit, unlabel or delete the issuance records: they are in the platform namespace', async () => {
    const inHome = await kubectlWith(
      kubeconfig,
      'get',
      'secrets',
      '-o',
      'name',
    );
    expect(inHome.code).toBe(0);
    expect(inHome.out).not.toContain('kubeconfig');
    for (const args of [
      ['get', 'secret', issuanceId],
      ['get', 'secrets'],
      ['label', 'secret', issuanceId, 'kaas.internal/kubeconfig-issuance-'],
      ['label', 'secret', issuanceId, 'kaas.internal/tenant-'],
      [
        'annotate',
        '--overwrite',
        'secret',
        issuanceId,
        'kaas.internal/expires-at=2999-01-01T00:00:00.000Z',
      ],
      ['delete', 'secret', issuanceId],
    ]) {
      const result = await kubectlWith(kubeconfig, ...args, '-n', platform);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.out).toMatch(/forbidden/i);
    }
    const record = await core.readNamespacedSecret({
      name: issuanceId,
      namespace: platform,
    });
    expect(record.metadata?.labels).toMatchObject({
      'kaas.internal/tenant': tenant,
      'kaas.internal/kubeconfig-issuance': 'true',
    });
  });

  it('loses everything on Revoke all: the kubeconfig and whatever was made with it', async () => {
    const issued = await issuer.issue(tenant, {
      mode: 'token',
      issuedTo: 'user:default/alice',
    });
    const file = writeTemp(issued.filename, issued.kubeconfig);
    // What a holder can make with it: a ServiceAccount bound to admin, used by impersonation.
    await kubectlWith(file, 'create', 'serviceaccount', 'keeper');
    await kubectlWith(
      file,
      'create',
      'rolebinding',
      'keeper',
      '--clusterrole=admin',
      `--serviceaccount=${namespace}:keeper`,
    );
    const asKeeper = [`--as=system:serviceaccount:${namespace}:keeper`];
    const attempts = [
      ['get', 'pods'],
      [...asKeeper, 'get', 'pods'],
    ];
    for (const args of attempts) {
      expect(await kubectlWith(file, ...args)).toMatchObject({ code: 0 });
    }
    const minted = await kubectlWith(
      file,
      ...asKeeper,
      'create',
      'token',
      'keeper',
    );
    expect(minted.out).toMatch(TOKEN_REFUSED);

    await issuer.revoke(tenant);
    // Bounded by the API server's token cache (about 10 s; bench/revocationLatency.ts).
    for (const args of attempts) {
      const refused = await waitFor(
        async () => {
          const result = await kubectlWith(file, ...args);
          return result.code !== 0 ? result : undefined;
        },
        {
          timeoutMs: 30_000,
          describe: () =>
            `kubectl ${args.join(' ')} still works after revocation`,
        },
      );
      expect(refused.out).toMatch(/Unauthorized/);
    }
    // Nothing minted with it survives it: no token Secret exists in the namespace.
    const tokenSecrets = (
      await core.listNamespacedSecret({ namespace })
    ).items.filter(s => s.type === 'kubernetes.io/service-account-token');
    expect(tokenSecrets).toEqual([]);
    expect(await issuer.list(tenant)).toEqual([]);
  });

  it('gets no token past the API server cap, even as cluster admin asking for a year', async () => {
    const token = (
      await adminKubectl(
        cluster,
        'create',
        'token',
        `kubeconfig-${tenant}`,
        '-n',
        platform,
        '--duration=8760h',
      )
    ).trim();
    const payload = jwtPayload(token);
    expect(payload.exp - payload.iat).toBe(APISERVER_MAX_TOKEN_SECONDS);
  });

  it('refuses a TTL above kaas.kubeconfig.maxTtl', async () => {
    await expect(
      issuer.issue(tenant, {
        mode: 'token',
        ttlSeconds: 4 * 3600 + 1,
        issuedTo: 'user:default/alice',
      }),
    ).rejects.toThrow(
      'ttlSeconds 14401 is out of range; a token kubeconfig lives from 600 s (10 min) to 14400 s (4 h, kaas.kubeconfig.maxTtl)',
    );
  });
});
