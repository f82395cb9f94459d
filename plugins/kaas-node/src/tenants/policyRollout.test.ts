import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import {
  adminKubeConfig,
  testCluster,
  uniqueName,
  untitledClusterEntry,
} from '@internal/kaas-test-cluster';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { tenantTestConfig } from '../__testUtils__/tenantTestPolicy';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from './TenantService';

/** The tests' policy, with the `open` profile's pod quota set to `pods`. */
function tenantsWithOpenPods(pods: number): TenantService {
  const base = tenantTestConfig([untitledClusterEntry(testCluster())]).get(
    'kaas',
  ) as any;
  const config = new ConfigReader({
    kaas: {
      ...base,
      tenantProfiles: {
        ...base.tenantProfiles,
        open: {
          ...base.tenantProfiles.open,
          quota: { hard: { pods } },
        },
      },
    },
  });
  return TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
  });
}

describe('rolling a policy change out to 30 tenants in waves, against the local control plane', () => {
  const before = tenantsWithOpenPods(5);
  const after = tenantsWithOpenPods(8);
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const prefix = uniqueName('roll');
  const names = Array.from(
    { length: 30 },
    (_, i) => `${prefix}-${String(i).padStart(2, '0')}`,
  );
  const podsOf = async (name: string) =>
    (
      await core.readNamespacedResourceQuota({
        name: 'tenant-quota',
        namespace: `t-${name}`,
      })
    ).spec?.hard?.pods;

  beforeAll(async () => {
    for (const name of names) {
      await before.create(
        before.validate({
          name,
          owner: 'team-a',
          isolation: 'namespace',
          profile: 'open',
        }),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(
      names.map(name =>
        core.deleteNamespace({ name: `t-${name}` }).catch(() => undefined),
      ),
    );
  }, 120_000);

  it('counts the tenants behind with what differs, in a dry run that changes nothing', async () => {
    const logs: string[] = [];
    const result = await after.rollOut(
      { names },
      {
        batchSize: 10,
        stopOnFirstFailure: true,
        dryRun: true,
        logger: capturingLogger(logs),
      },
    );
    expect(result.selected).toBe(30);
    expect(result.behind).toHaveLength(30);
    expect(result.behind[0].changes).toEqual([
      {
        object: `ResourceQuota 't-${names[0]}/tenant-quota'`,
        path: 'spec.hard.pods',
        from: '"5"',
        to: '"8"',
      },
    ]);
    expect(result.reconciled).toEqual([]);
    expect(await podsOf(names[29])).toBe('5');
    expect(logs).toContain(
      'Wave 3/3: 10 tenant(s), 10 behind the policy, 0 already up to date, 0 failed',
    );
  }, 60_000);

  it('stops after the wave in which a tenant fails, and leaves the later waves as they were', async () => {
    // A quota someone else marked as theirs: the ownership guard refuses to apply it.
    const failing = names[14];
    await core.patchNamespacedResourceQuota(
      {
        name: 'tenant-quota',
        namespace: `t-${failing}`,
        body: {
          metadata: {
            annotations: { 'kaas.internal/owner': 'group:default/team-b' },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const logs: string[] = [];
    const started = Date.now();
    const result = await after.rollOut(
      { names },
      {
        batchSize: 10,
        stopOnFirstFailure: true,
        dryRun: false,
        logger: capturingLogger(logs),
      },
    );
    const ms = Date.now() - started;
    expect(result.failed).toEqual([
      { tenant: failing, message: expect.stringContaining('team-b') },
    ]);
    expect(result.reconciled).toHaveLength(19);
    expect(result.skipped).toEqual(names.slice(20));
    expect(await podsOf(names[0])).toBe('8');
    expect(await podsOf(names[19])).toBe('8');
    expect(await podsOf(names[20])).toBe('5');
    expect(logs[1]).toMatch(
      new RegExp(
        `^Wave 2/3: 10 tenant\\(s\\), 9 brought up to date, 0 already up to date, 1 failed; ${failing}: `,
      ),
    );
    // eslint-disable-next-line no-console
    console.log(`rollout: 20 tenants in 2 waves of 10 in ${ms} ms`);
  }, 120_000);
});
