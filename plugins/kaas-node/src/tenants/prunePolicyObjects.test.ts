import { ConfigReader } from '@backstage/config';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  adminKubectl,
  testCluster,
  uniqueName,
  untitledClusterEntry,
} from '@internal/kaas-test-cluster';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { tenantTestConfig } from '../__testUtils__/tenantTestPolicy';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from './TenantService';

const legacyPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-legacy-monitoring' },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
};

/** The tests' policy, with or without one more baseline NetworkPolicy. */
function tenantsWith(extraBaseline: unknown[]): TenantService {
  const base = tenantTestConfig([untitledClusterEntry(testCluster())]).get(
    'kaas',
  ) as any;
  const config = new ConfigReader({
    kaas: { ...base, baseline: [...base.baseline, ...extraBaseline] },
  });
  return TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
  });
}

describe('policy objects the policy no longer renders are deleted on the next apply (local control plane)', () => {
  const before = tenantsWith([legacyPolicy]);
  const after = tenantsWith([]);
  const objects = KubernetesObjectApi.makeApiClient(adminKubeConfig());
  const name = uniqueName('prune');
  const namespace = `t-${name}`;
  const request = (service: TenantService) =>
    service.validate({
      name,
      owner: 'team-a',
      isolation: 'namespace',
      profile: 'small',
    });
  const exists = async (kind: string, objectName: string) =>
    (
      await adminKubectl(
        testCluster(),
        '--namespace',
        namespace,
        'get',
        kind,
        '--ignore-not-found',
        '-o',
        'name',
        objectName,
      )
    ).trim() !== '';

  afterAll(() => after.delete(name).catch(() => undefined));

  it('a dry run lists the dropped object as deleted; the update deletes it and nothing else; an object marked for another tenant is never deleted', async () => {
    await before.create(request(before));
    expect(await exists('networkpolicy', legacyPolicy.metadata.name)).toBe(
      true,
    );
    // Someone lists another tenant's object in the home namespace's record by hand.
    await objects.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'not-this-tenants',
        namespace,
        labels: {
          'kaas.internal/managed-by': 'backstage-kaas',
          'kaas.internal/tenant': 'someone-else',
        },
        annotations: { 'kaas.internal/owner': 'group:default/team-b' },
      },
    } as any);
    const home = await objects.read({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    const recorded = JSON.parse(
      home.metadata!.annotations!['kaas.internal/policy-objects'],
    );
    expect(recorded).toContain(
      'networking.k8s.io/v1/NetworkPolicy/allow-legacy-monitoring',
    );
    await adminKubectl(
      testCluster(),
      'annotate',
      '--overwrite',
      'namespace',
      namespace,
      `kaas.internal/policy-objects=${JSON.stringify([
        ...recorded,
        'v1/ConfigMap/not-this-tenants',
      ])}`,
    );

    const dry = await after.update(request(after), { dryRun: true });
    expect(dry.changes).toContainEqual({
      object: `NetworkPolicy '${namespace}/allow-legacy-monitoring'`,
      path: '',
      to: 'deleted',
    });
    expect(dry.changes.map(c => c.object)).not.toContain(
      `ConfigMap '${namespace}/not-this-tenants'`,
    );
    expect(await exists('networkpolicy', legacyPolicy.metadata.name)).toBe(
      true,
    );

    const logs: string[] = [];
    await after.update(request(after), { logger: capturingLogger(logs) });
    expect(await exists('networkpolicy', legacyPolicy.metadata.name)).toBe(
      false,
    );
    expect(logs.join('\n')).toContain(
      `Deleted NetworkPolicy '${namespace}/allow-legacy-monitoring': today's policy no longer renders it`,
    );
    expect(logs.join('\n')).toMatch(
      /Not deleting ConfigMap .*not-this-tenants.*belongs to group:default\/team-b/,
    );
    expect(await exists('configmap', 'not-this-tenants')).toBe(true);
    // The rest of the policy stays, and a second update has nothing left to do.
    expect(await exists('rolebinding', 'tenant-owner-admin')).toBe(true);
    const again = await after.update(request(after), { dryRun: true });
    expect(again.changes).toEqual([]);
  });
});
