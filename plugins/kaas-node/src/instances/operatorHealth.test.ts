import { ConfigReader } from '@backstage/config';
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  installCrds,
  repoKaasConfigData,
  testCluster,
  uniqueName,
  waitFor,
  writeStatus,
} from '@internal/kaas-test-cluster';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { DefaultKaasInventory } from '../inventory/KaasInventory';
import { TenantService } from '../tenants/TenantService';
import { InstanceService } from './InstanceService';
import { readOperatorHealth } from './operatorHealth';
import { readCapabilities } from './readCapabilities';

const operatorNamespace = uniqueName('cnpg-system');

/**
 * The repository's capabilities, with a CloudNativePG operator that must act within 2 s
 * (its Deployment where the test creates one), and `pgnext`, a capability that uses a
 * version of the Cluster CRD the upstream CRD does not serve.
 */
function testConfig() {
  const { kaas } = repoKaasConfigData(testCluster());
  const postgresql = kaas.capabilities.postgresql;
  return new ConfigReader({
    kaas: {
      ...kaas,
      capabilities: {
        ...kaas.capabilities,
        postgresql: {
          ...postgresql,
          operator: {
            name: 'CloudNativePG',
            deployment: {
              namespace: operatorNamespace,
              name: 'cnpg-controller-manager',
            },
            actsWithin: '2s',
          },
        },
        pgnext: {
          ...postgresql,
          title: 'PostgreSQL (next)',
          operator: { name: 'CloudNativePG' },
          objects: [
            { ...postgresql.objects[0], apiVersion: 'postgresql.cnpg.io/v2' },
          ],
        },
      },
    },
  });
}

describe('operator health against the local control plane with the upstream CloudNativePG CRDs and no operator running', () => {
  const config = testConfig();
  const logs: string[] = [];
  const logger = capturingLogger(logs);
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters, logger });
  const instances = InstanceService.fromConfig(config, {
    tenants,
    clusters,
    logger,
  });
  const admin = adminKubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const tenant = uniqueName('op');
  const namespace = `t-${tenant}`;
  const name = 'pg';
  const cluster = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name, namespace },
  };
  const setFinalizers = (finalizers: string[]) =>
    objects.patch(
      { ...cluster, metadata: { ...cluster.metadata, finalizers } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );

  beforeAll(async () => {
    await installCrds(
      testCluster(),
      ['cloudnative-pg'],
      [
        { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
        { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Backup' },
      ],
    );
    await tenants.create(
      tenants.validate({
        name: tenant,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    await instances.create(
      instances.validate({
        tenant,
        capability: 'postgresql',
        name,
        plan: 'small',
      }),
    );
  }, 120_000);

  const inventory = DefaultKaasInventory.fromConfig(config, {
    clusters,
    logger,
  });

  afterAll(async () => {
    await inventory.stop();
    await setFinalizers([]).catch(() => undefined);
  });

  it('fails the wait early, saying no operator acted, and goes on waiting once the test plays the operator', async () => {
    const expected = `Instance '${name}' of tenant '${tenant}' is not being provisioned: no CloudNativePG operator has acted on this object for 2 s on cluster 'local'; the capability is run by group:default/platform-team`;
    const progress: string[] = [];
    const started = Date.now();
    await expect(
      instances.waitUntilReady(tenant, name, {
        timeoutMs: 60_000,
        pollMs: 200,
        onProgress: message => progress.push(message),
      }),
    ).rejects.toThrow(expected);
    // Within actsWithin (2 s) and a poll of creating it, not after the 60 s timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(progress).toContain(expected);

    // The inventory's status carries the same judgement as a condition.
    await inventory.ready();
    const status = await waitFor(async () => inventory.instance(tenant, name), {
      describe: () => `the inventory to see instance '${name}'`,
    });
    expect(status.conditions).toContainEqual({
      type: 'OperatorActive',
      status: 'False',
      reason: 'NoOperatorSign',
      message: expected.replace(/^.*is not being provisioned: /, ''),
    });

    // The test plays the operator: a finalizer is a sign; the wait now waits for readiness.
    await setFinalizers(['cnpg.io/cluster']);
    await expect(
      instances.waitUntilReady(tenant, name, { timeoutMs: 1000, pollMs: 200 }),
    ).rejects.toThrow(
      `Instance '${name}' of tenant '${tenant}' was not ready within 1 s; still missing: `,
    );
    await waitFor(
      async () =>
        inventory
          .instance(tenant, name)
          ?.conditions.every(c => c.type !== 'OperatorActive') || undefined,
      { describe: () => 'the OperatorActive condition to go' },
    );
    await writeStatus(
      testCluster(),
      'clusters.postgresql.cnpg.io',
      namespace,
      name,
      {
        phase: 'Cluster in healthy state',
      },
    );
    await expect(
      instances.waitUntilReady(tenant, name, {
        timeoutMs: 10_000,
        pollMs: 200,
      }),
    ).resolves.toMatchObject({ ready: true });
  }, 60_000);

  it('lists the operator Deployment with its version, and a capability whose CRD version is not served', async () => {
    await admin.makeApiClient(CoreV1Api).createNamespace({
      body: { metadata: { name: operatorNamespace } },
    });
    await admin.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: operatorNamespace,
      body: {
        metadata: { name: 'cnpg-controller-manager' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'cnpg' } },
          template: {
            metadata: { labels: { app: 'cnpg' } },
            spec: {
              containers: [
                {
                  name: 'manager',
                  image: 'ghcr.io/cloudnative-pg/cloudnative-pg:1.27.1',
                },
              ],
            },
          },
        },
      },
    });
    const health = await readOperatorHealth(clusters, readCapabilities(config));
    const of = (capability: string) =>
      health.find(h => h.capability === capability && h.cluster === 'local');
    expect(of('postgresql')).toMatchObject({
      operator: 'CloudNativePG',
      owner: 'group:default/platform-team',
      deployment: {
        present: true,
        namespace: operatorNamespace,
        name: 'cnpg-controller-manager',
        replicas: 1,
        version: '1.27.1',
      },
      kinds: [
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          crd: 'clusters.postgresql.cnpg.io',
          servedVersions: ['v1'],
          served: true,
        },
      ],
    });
    // No controller runs here, so no replica becomes ready: said as a problem.
    expect(of('postgresql')?.problems).toEqual([
      `CloudNativePG operator Deployment ${operatorNamespace}/cnpg-controller-manager has no ready replica`,
    ]);
    expect(of('pgnext')).toMatchObject({
      kinds: [
        {
          apiVersion: 'postgresql.cnpg.io/v2',
          crd: 'clusters.postgresql.cnpg.io',
          servedVersions: ['v1'],
          served: false,
        },
      ],
      problems: [
        'clusters.postgresql.cnpg.io does not serve v2, which the capability uses (served: v1)',
      ],
    });
    // The shipped MOCO capability's Deployment is not on the local default.
    expect(of('mysql')?.deployment).toEqual({ present: false });
    expect(of('mysql')?.problems).toContain(
      "MOCO operator Deployment (moco-system/moco-controller) is not on cluster 'local'",
    );
  }, 60_000);

  it("fails an operation's wait early too when no operator acts on the run's object", async () => {
    const started = Date.now();
    await expect(
      instances.operate(
        { tenant, name, operation: 'backup', runName: 'early-fail' },
        { wait: true, timeoutMs: 60_000 },
      ),
    ).rejects.toThrow(
      "Run 'early-fail' of operation 'backup' is not being carried out: no CloudNativePG operator has acted on this object for 2 s on cluster 'local'; the capability is run by group:default/platform-team",
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
