import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  adminKubectl,
  installCrds,
  testCluster,
  uniqueName,
  VCLUSTER_KINDS,
} from '@internal/kaas-test-cluster';
import { localTestServices } from '../__testUtils__/localTestServices';

describe('Kubernetes version upgrades of virtual and dedicated cluster tenants, against the local control plane', () => {
  const { tenants } = localTestServices();
  const created: string[] = [];

  beforeAll(async () => {
    await installCrds(
      testCluster(),
      ['cluster-api', 'cluster-api-provider-vcluster'],
      [
        ...VCLUSTER_KINDS,
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass' },
      ],
    );
  }, 120_000);

  afterAll(async () => {
    for (const name of created) {
      await tenants.delete(name).catch(() => undefined);
    }
  }, 120_000);

  const request = (
    name: string,
    isolation: 'vcluster' | 'cluster',
    kubernetesVersion?: string,
  ) =>
    tenants.validate({
      name,
      owner: 'team-a',
      isolation,
      profile: isolation === 'vcluster' ? 'small' : 'large',
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
    });

  const vclusterVersion = async (name: string) =>
    JSON.parse(
      await adminKubectl(
        testCluster(),
        'get',
        'vclusters.controlplane.cluster.x-k8s.io',
        name,
        '-n',
        `t-${name}`,
        '-o',
        'json',
      ),
    ).spec.helmRelease.valuesObject.controlPlane.distro.k8s;

  it("writes a virtual cluster's version as the chart's controlPlane.distro.k8s.version and upgrades it one minor version at a time, never down", async () => {
    const name = uniqueName('k8s-vc');
    created.push(name);
    await tenants.create(request(name, 'vcluster'));
    expect(await vclusterVersion(name)).toEqual({ version: 'v1.33.4' });

    await expect(
      tenants.update(request(name, 'vcluster', '1.35.0')),
    ).rejects.toThrow(
      'kubernetesVersion: from v1.33.4 the tenant moves one minor version at a time, to 1.34.x at most; upgrade through each minor version',
    );
    await expect(
      tenants.update(request(name, 'vcluster', '1.33.1')),
    ).rejects.toThrow(
      'kubernetesVersion: v1.33.1 is older than v1.33.4, which the tenant runs; a Kubernetes version never goes down',
    );
    // create re-applies an existing tenant, so it may not go around the rule either.
    await expect(
      tenants.create(request(name, 'vcluster', '1.32.0')),
    ).rejects.toThrow('never goes down');
    expect(await vclusterVersion(name)).toEqual({ version: 'v1.33.4' });

    const dry = await tenants.update(request(name, 'vcluster', '1.34.2'), {
      dryRun: true,
    });
    expect(dry.changes).toContainEqual(
      expect.objectContaining({
        path: 'spec.helmRelease.valuesObject.controlPlane.distro.k8s.version',
        from: '"v1.33.4"',
        to: '"v1.34.2"',
      }),
    );
    await tenants.update(request(name, 'vcluster', '1.34.2'));
    expect(await vclusterVersion(name)).toEqual({ version: 'v1.34.2' });
  }, 60_000);

  it("keeps a dedicated cluster's version within what its ClusterClass offers", async () => {
    const name = uniqueName('k8s-cl');
    created.push(name);
    await tenants.create(request(name, 'cluster'));
    // The class the profile names, in the tenant's namespace (its classRef's default).
    const classYaml = JSON.stringify({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'ClusterClass',
      metadata: { name: 'kaas-default', namespace: `t-${name}` },
      spec: {
        kubernetesVersions: ['v1.33.4', 'v1.34.0', 'v1.34.3'],
        controlPlane: {
          templateRef: {
            apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
            kind: 'KubeadmControlPlaneTemplate',
            name: 'cp',
          },
        },
        infrastructure: {
          templateRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
            kind: 'DockerClusterTemplate',
            name: 'infra',
          },
        },
      },
    });
    const file = path.join(os.tmpdir(), `${name}-class.json`);
    fs.writeFileSync(file, classYaml);
    await adminKubectl(testCluster(), 'apply', '-f', file);

    await expect(
      tenants.update(request(name, 'cluster', '1.34.2')),
    ).rejects.toThrow(
      "kubernetesVersion: ClusterClass 'kaas-default' offers v1.33.4, v1.34.0, v1.34.3, not v1.34.2",
    );
    const done = await tenants.update(request(name, 'cluster', '1.34.3'));
    expect(done.changes).toContainEqual(
      expect.objectContaining({
        path: 'spec.topology.version',
        from: '"v1.33.4"',
        to: '"v1.34.3"',
      }),
    );
  }, 60_000);

  it('refuses a version for a namespace tenant, naming the field', () => {
    expect(() =>
      tenants.validate({
        name: 'x',
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
        kubernetesVersion: '1.34.0',
      }),
    ).toThrow(
      "kubernetesVersion: a namespace tenant runs on its cluster's version; only vcluster and cluster tenants choose one",
    );
  });
});
