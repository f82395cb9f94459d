import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { uniqueName, waitFor } from '@internal/kaas-test-cluster';
import type { TenantDrift } from '@kaas-platform/plugin-kaas-common';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { repairTenantAs } from '../operations/tenantOperations';
import { TenantService } from '../tenants/TenantService';
import { DefaultKaasInventory } from './KaasInventory';
import { DRIFT_GRACE_MS } from './tenantDriftOf';
import {
  capturingLogger,
  installCrds,
  inventoryTestConfig,
  kubectl,
  sharedCluster,
} from '../__testUtils__/inventoryTestEnvironment';

const owners = {
  assertMayActFor: jest.fn(async () => {}),
  assertPlatformAdmin: jest.fn(async () => {}),
};
const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/alice' },
} as any;

describe('Drift: the inventory compares live policy objects with what the policy renders (real control plane)', () => {
  const cluster = sharedCluster();
  const config = inventoryTestConfig(cluster);
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const logger = capturingLogger();
  const inventory = DefaultKaasInventory.fromConfig(config, {
    clusters,
    logger,
  });
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.adminKubeconfig);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const name = uniqueName('drift');
  const vcluster = uniqueName('drift-vc');
  let namespace = '';

  const drift = () => inventory.tenantStatus(name)?.drift;
  const until = (
    check: (d: TenantDrift) => boolean,
    what: string,
    timeoutMs = 30_000,
  ) =>
    waitFor(
      async () => {
        const d = drift();
        return d && check(d) ? d : undefined;
      },
      {
        timeoutMs,
        intervalMs: 20,
        describe: () => `${what}; drift is ${JSON.stringify(drift())}`,
      },
    );
  const run = (...args: string[]) =>
    kubectl(cluster, '--namespace', namespace, ...args);

  beforeAll(async () => {
    await installCrds(
      cluster,
      ['cluster-api', 'cluster-api-provider-vcluster'],
      [
        {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
        },
        {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
        },
        {
          apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
          kind: 'ClusterResourceSet',
        },
      ],
    );
    await inventory.ready();
    const done = await tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    namespace = done.namespace;
  }, 120_000);
  afterAll(async () => {
    await inventory.stop();
    await tenants.delete(name).catch(() => {});
    await tenants.delete(vcluster).catch(() => {});
  });

  it('a new tenant is as rendered; hand edits are each named; objects the tenant made are not drift; repair puts the policy back', async () => {
    const fresh = await until(d => d.status === 'False', 'fresh tenant judged');
    expect(fresh).toMatchObject({ reason: 'AsRendered', objects: [] });

    // The tenant's own objects (no platform marks) are never drift.
    await objects.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'team-own-allow-all', namespace },
      spec: { podSelector: {}, ingress: [{}] },
    } as any);

    // A NetworkPolicy opened by hand.
    const editedAt = Date.now();
    await run(
      'patch',
      'networkpolicy',
      'allow-same-namespace',
      '--type=merge',
      '-p',
      '{"spec":{"ingress":[{}]}}',
    );
    const opened = await until(
      d => d.objects.some(o => o.object.includes('allow-same-namespace')),
      'opened NetworkPolicy named',
    );
    const latencyMs = Date.now() - editedAt;
    // The figure the issue asks for: hand edit to condition, through list+watch.
    process.stdout.write(
      `drift latency (kubectl patch -> Drifted condition in the inventory): ${latencyMs} ms\n`,
    );
    expect(opened).toMatchObject({ status: 'True', reason: 'EditedByHand' });

    // A quota raised, a subject added to a marked RoleBinding, a RoleBinding deleted.
    await run(
      'patch',
      'resourcequota',
      'tenant-quota',
      '--type=merge',
      '-p',
      '{"spec":{"hard":{"pods":"500"}}}',
    );
    await run(
      'patch',
      'rolebinding',
      'platform-team-view',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/subjects/-","value":{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"team-b"}}]',
    );
    await run('delete', 'rolebinding', 'tenant-owner-admin');
    const status = inventory.tenantStatus(name)!;
    const waitForDeleted = Math.max(
      0,
      new Date(status.createdAt).getTime() + DRIFT_GRACE_MS - Date.now(),
    );
    const all = await until(
      d => d.objects.length >= 4,
      'four drifted objects',
      waitForDeleted + 30_000,
    );
    const byObject = Object.fromEntries(all.objects.map(o => [o.object, o]));
    expect(
      byObject[`NetworkPolicy '${namespace}/allow-same-namespace'`],
    ).toEqual({
      object: `NetworkPolicy '${namespace}/allow-same-namespace'`,
      state: 'changed',
      fields: [
        {
          path: 'spec.ingress',
          live: '[{}]',
          policy: '[{"from":[{"podSelector":{}}]}]',
        },
      ],
      editedBy: ['kubectl-patch'],
    });
    expect(byObject[`ResourceQuota '${namespace}/tenant-quota'`]).toMatchObject(
      {
        state: 'changed',
        fields: [
          expect.objectContaining({ path: 'spec.hard.pods', live: '"500"' }),
        ],
        editedBy: ['kubectl-patch'],
      },
    );
    expect(
      byObject[`RoleBinding '${namespace}/platform-team-view'`],
    ).toMatchObject({
      state: 'changed',
      fields: [expect.objectContaining({ path: 'subjects' })],
      editedBy: ['kubectl-patch'],
    });
    expect(byObject[`RoleBinding '${namespace}/tenant-owner-admin'`]).toEqual({
      object: `RoleBinding '${namespace}/tenant-owner-admin'`,
      state: 'deleted',
      fields: [],
      editedBy: [],
    });
    expect(Object.keys(byObject)).toHaveLength(4);
    expect(all.message).toContain(
      `NetworkPolicy '${namespace}/allow-same-namespace' was changed by kubectl-patch: spec.ingress is [{}], the policy says [{"from":[{"podSelector":{}}]}]`,
    );
    expect(all.message).toContain(
      `RoleBinding '${namespace}/tenant-owner-admin' was deleted`,
    );

    // A dry run of the repair lists what it would put back and changes nothing.
    const log = capturingLogger();
    const dry = await repairTenantAs({ tenants, owners }, credentials, name, {
      dryRun: true,
      logger: log,
    });
    expect(dry.changes.map(c => c.object).sort()).toEqual(
      Object.keys(byObject).sort(),
    );
    expect(drift()!.objects).toHaveLength(4);

    const repairedAt = Date.now();
    await repairTenantAs({ tenants, owners }, credentials, name, {
      dryRun: false,
      logger: log,
    });
    await until(d => d.status === 'False', 'repaired tenant as rendered');
    process.stdout.write(
      `repair to Drifted=False in the inventory: ${
        Date.now() - repairedAt
      } ms\n`,
    );
    expect(owners.assertMayActFor).toHaveBeenCalledWith(
      credentials,
      'group:default/team-a',
    );
    const quota = await run(
      'get',
      'resourcequota',
      'tenant-quota',
      '-o',
      'jsonpath={.spec.hard.pods}',
    );
    expect(quota.trim()).not.toBe('500');
    const subjects = await run(
      'get',
      'rolebinding',
      'platform-team-view',
      '-o',
      'jsonpath={.subjects[*].name}',
    );
    expect(subjects.trim()).toBe('platform-team');
    expect(
      (
        await run('get', 'rolebinding', 'tenant-owner-admin', '-o', 'name')
      ).trim(),
    ).toBe('rolebinding.rbac.authorization.k8s.io/tenant-owner-admin');
    // The tenant's own NetworkPolicy stays.
    expect(
      (
        await run('get', 'networkpolicy', 'team-own-allow-all', '-o', 'name')
      ).trim(),
    ).toBe('networkpolicy.networking.k8s.io/team-own-allow-all');
  });

  it("a virtual cluster's in-cluster policy edited by hand in its ConfigMap is drift; the Cluster API objects are not compared", async () => {
    const done = await tenants.create(
      tenants.validate({
        name: vcluster,
        owner: 'team-a',
        isolation: 'vcluster',
        profile: 'small',
      }),
    );
    const vcDrift = () => inventory.tenantStatus(vcluster)?.drift;
    await waitFor(
      async () => (vcDrift()?.status === 'False' ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 20,
        describe: () =>
          `vcluster as rendered; drift is ${JSON.stringify(vcDrift())}`,
      },
    );
    const configMap = `${vcluster}-in-cluster-policy`;
    const keys = JSON.parse(
      await kubectl(
        cluster,
        '--namespace',
        done.namespace,
        'get',
        'configmap',
        configMap,
        '-o',
        'jsonpath={.data}',
      ),
    );
    const key = Object.keys(keys)[0];
    await kubectl(
      cluster,
      '--namespace',
      done.namespace,
      'patch',
      'configmap',
      configMap,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { [key]: 'kind: Namespace\n' } }),
    );
    const drifted = await waitFor(
      async () => (vcDrift()?.status === 'True' ? vcDrift() : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 20,
        describe: () =>
          `ConfigMap drift; drift is ${JSON.stringify(vcDrift())}`,
      },
    );
    expect(drifted!.objects).toEqual([
      expect.objectContaining({
        object: `ConfigMap '${done.namespace}/${configMap}'`,
        state: 'changed',
        fields: [expect.objectContaining({ path: `data.${key}` })],
        editedBy: ['kubectl-patch'],
      }),
    ]);
  });
});
