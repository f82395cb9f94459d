import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KUBECTL, testCluster, uniqueName } from '@internal/kaas-test-cluster';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from '../tenants/TenantService';
import { tenantTestConfig } from '../tenants/__testUtils__/tenantTestPolicy';

const execFileAsync = promisify(execFile);

/** The object as stored, read as the API's JSON (not through client-node's model). */
async function stored(kind: string, name: string, namespace: string) {
  const { stdout } = await execFileAsync(KUBECTL, [
    '--kubeconfig',
    testCluster().adminKubeconfig,
    'get',
    kind,
    name,
    '-n',
    namespace,
    '-o',
    'json',
  ]);
  return JSON.parse(stdout);
}

describe('applyManifests against the local control plane with the backend credential', () => {
  it('stores every field as rendered, also those client-node models under other names (LimitRange default, NetworkPolicy from)', async () => {
    const cluster = testCluster();
    const config = tenantTestConfig([
      {
        name: 'local',
        url: cluster.url,
        caFile: cluster.caFile,
        roles: ['tenants'],
        auth: { type: 'tokenFile', tokenFile: cluster.backendTokenFile },
      },
    ]);
    const tenants = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
    });
    const name = uniqueName('fields');
    const namespace = `t-${name}`;
    const request = tenants.validate({
      name,
      owner: 'team-a',
      isolation: 'namespace',
      profile: 'small',
    });
    const rendered = tenants.render(request).manifests;
    await tenants.create(request);

    const limits = await stored('limitrange', 'tenant-limits', namespace);
    expect(limits.spec).toEqual(
      rendered.find(m => m.kind === 'LimitRange')!.spec,
    );
    expect(limits.spec.limits[0].default).toEqual({
      cpu: '500m',
      memory: '512Mi',
    });
    // Without `from`, the rule would admit traffic from everywhere.
    const policy = await stored(
      'networkpolicy',
      'allow-from-monitoring',
      namespace,
    );
    expect(policy.spec).toEqual(
      rendered.find(m => m.metadata.name === 'allow-from-monitoring')!.spec,
    );
    expect(policy.spec.ingress[0].from).toHaveLength(1);

    // Re-applying the same request still changes nothing.
    const again = await tenants.create(request);
    expect(again.objects.every(o => o.action === 'unchanged')).toBe(true);
    await tenants.delete(name);
  });
});
