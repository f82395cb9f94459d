import { ConfigReader } from '@backstage/config';
import {
  adminKubectl,
  installCrds,
  repoKaasConfigData,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from './TenantService';

interface RoleBindingJson {
  metadata: { name: string };
  roleRef: { name: string };
  subjects?: Array<{ kind: string; name: string }>;
}

describe("owner bindings of the repo's baseline (app-config.yaml) on the local control plane, checked with the real kubectl", () => {
  const cluster = testCluster();
  const config = new ConfigReader(repoKaasConfigData(cluster) as any);
  const tenants = TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
  });
  const names = {
    namespace: uniqueName('own-ns'),
    vcluster: uniqueName('own-vc'),
    cluster: uniqueName('own-cl'),
  };
  const profiles = { namespace: 'small', vcluster: 'small', cluster: 'large' };

  async function roleBindings(namespace: string): Promise<RoleBindingJson[]> {
    return JSON.parse(
      await adminKubectl(
        cluster,
        'get',
        'rolebindings',
        '-n',
        namespace,
        '-o',
        'json',
      ),
    ).items;
  }

  /** `kubectl auth can-i` as a member of `group` (impersonated by the cluster admin). */
  async function memberCan(group: string, ...args: string[]): Promise<string> {
    try {
      return (
        await adminKubectl(
          cluster,
          'auth',
          'can-i',
          ...args,
          '--as=alice',
          `--as-group=${group}`,
        )
      ).trim();
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? '').trim();
    }
  }

  beforeAll(async () => {
    await installCrds(
      cluster,
      ['cluster-api', 'cluster-api-provider-vcluster'],
      [
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' },
        {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
        },
      ],
    );
    for (const isolation of ['namespace', 'vcluster', 'cluster'] as const) {
      await tenants.create(
        tenants.validate({
          name: names[isolation],
          owner: 'group:default/team-a',
          isolation,
          profile: profiles[isolation],
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const name of Object.values(names)) {
      await tenants
        .delete(name, { waitUntilGone: false })
        .catch(() => undefined);
    }
  });

  it('makes the owner group admin of a namespace tenant, and of no virtual or dedicated cluster tenant home namespace', async () => {
    const ownerBinding = (await roleBindings(`t-${names.namespace}`)).find(
      b => b.metadata.name === 'tenant-owner-admin',
    );
    expect(ownerBinding?.roleRef.name).toBe('admin');
    const ownerGroup = ownerBinding!.subjects![0].name;
    expect(
      await memberCan(
        ownerGroup,
        'get',
        'secrets',
        '-n',
        `t-${names.namespace}`,
      ),
    ).toBe('yes');

    for (const isolation of ['vcluster', 'cluster'] as const) {
      const namespace = `t-${names[isolation]}`;
      const bindings = await roleBindings(namespace);
      expect(bindings.length).toBeGreaterThan(0);
      expect(
        bindings.filter(b =>
          (b.subjects ?? []).some(
            s => s.kind === 'Group' && s.name === ownerGroup,
          ),
        ),
      ).toEqual([]);
      // Neither the Cluster API objects nor the `<name>-kubeconfig` Secret are theirs.
      for (const what of [
        ['get', 'secrets'],
        ['create', 'secrets'],
        ['update', 'clusters.cluster.x-k8s.io'],
        ['create', 'rolebindings'],
      ]) {
        expect({
          isolation,
          what,
          answer: await memberCan(ownerGroup, ...what, '-n', namespace),
        }).toEqual({
          isolation,
          what,
          answer: 'no',
        });
      }
    }
  });
});
