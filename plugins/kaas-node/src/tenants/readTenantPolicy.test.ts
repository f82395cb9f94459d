import { ConfigReader } from '@backstage/config';
import { readTenantPolicy } from './readTenantPolicy';
import { tenantTestConfig } from '../__testUtils__/tenantTestPolicy';

describe('readTenantPolicy', () => {
  const base = () => tenantTestConfig().get('kaas') as any;
  const read = (change: (kaas: any) => void) => {
    const kaas = JSON.parse(JSON.stringify(base()));
    change(kaas);
    return readTenantPolicy(new ConfigReader({ kaas }));
  };

  it('reads the policy with its defaults', () => {
    const policy = read(() => {});
    expect(policy.settings).toEqual({
      namespacePrefix: 't-',
      reservedNames: ['platform'],
      markPrefix: 'kaas.internal',
      fieldManager: 'backstage-kaas',
      platformNamespace: 'kaas-platform',
      allowedLabelPrefixes: ['example.com/'],
      allowedAnnotationPrefixes: ['example.com/'],
    });
    expect(policy.platformAdmins).toEqual(['group:default/platform-team']);
    expect(policy.profiles.small).toMatchObject({
      name: 'small',
      title: 'small',
      quota: { hard: { pods: '10', 'requests.cpu': '2' } },
      networkPolicy: 'isolated',
    });
    expect(policy.baseline).toHaveLength(5);
  });

  it.each<[string, (kaas: any) => void, string]>([
    [
      'no profiles',
      k => delete k.tenantProfiles,
      "'kaas.tenantProfiles': configure at least one profile",
    ],
    [
      'bad quantity',
      k => (k.tenantProfiles.small.quota.hard.pods = 'ten'),
      "'kaas.tenantProfiles.small.quota.hard.pods': 'ten' is not a Kubernetes quantity",
    ],
    [
      'bad resource name',
      k => (k.tenantProfiles.small.quota.hard['a b'] = '1'),
      "'kaas.tenantProfiles.small.quota.hard.a b': resource name 'a b'",
    ],
    [
      'bad pod security',
      k => (k.tenantProfiles.small.podSecurity = 'strict'),
      "'kaas.tenantProfiles.small.podSecurity': must be one of: restricted, baseline, privileged",
    ],
    [
      'unknown profile key',
      k => (k.tenantProfiles.small.cpu = 1),
      "'kaas.tenantProfiles.small'",
    ],
    [
      'bad profile name',
      k => (k.tenantProfiles.Big = k.tenantProfiles.small),
      "'kaas.tenantProfiles.Big': profile name 'Big' must be lower case",
    ],
    [
      'missing limit range',
      k => delete k.tenantProfiles.small.limitRange,
      "'kaas.tenantProfiles.small.limitRange'",
    ],
    [
      'an allowed label prefix under kubernetes.io',
      k =>
        (k.tenants = {
          allowedLabelPrefixes: ['acme.com/', 'pod-security.kubernetes.io/'],
        }),
      "'kaas.tenants.allowedLabelPrefixes[1]': 'pod-security.kubernetes.io/' is under 'kubernetes.io/', whose keys only the platform sets",
    ],
    [
      'an allowed annotation prefix under the mark prefix',
      k =>
        (k.tenants = {
          markPrefix: 'platform.acme.com',
          allowedAnnotationPrefixes: ['platform.acme.com/'],
        }),
      "'kaas.tenants.allowedAnnotationPrefixes[0]': 'platform.acme.com/' is under 'platform.acme.com/'",
    ],
    [
      'an allowed prefix no key can start with',
      k => (k.tenants = { allowedLabelPrefixes: ['Acme.com/'] }),
      "'kaas.tenants.allowedLabelPrefixes[0]': 'Acme.com/' is not the start of a label or annotation key",
    ],
    [
      'bad crossplane apiVersion',
      k => (k.tenantProfiles.managed.crossplane.apiVersion = 'x y'),
      "'kaas.tenantProfiles.managed.crossplane.apiVersion': must be <group>/<version>",
    ],
    [
      'unknown placeholder',
      k =>
        (k.tenantProfiles.managed.crossplane.parameters.x =
          '${{ tenant.secret }}'),
      "'kaas.tenantProfiles.managed.crossplane.parameters.x': unknown placeholder '${{ tenant.secret }}'",
    ],
    [
      'bad prefix',
      k => (k.tenants.namespacePrefix = 'T_'),
      "'kaas.tenants.namespacePrefix': must be lower-case",
    ],
    [
      'bad mark prefix',
      k => (k.tenants.markPrefix = 'Kaas'),
      "'kaas.tenants.markPrefix': must be a lower-case DNS subdomain",
    ],
    [
      'user as platform admin',
      k => (k.platformAdmins = ['user:default/petra']),
      "'kaas.platformAdmins[0]': must be a group",
    ],
    [
      'cluster-scoped baseline',
      k => (k.baseline[1].kind = 'ClusterRoleBinding'),
      "'kaas.baseline[1].kind': ClusterRoleBinding is cluster-scoped",
    ],
    [
      'baseline in another namespace',
      k => (k.baseline[1].metadata.namespace = 'kube-system'),
      "'kaas.baseline[1].metadata.namespace': baseline objects live in the tenant's namespace",
    ],
    [
      'baseline without name',
      k => delete k.baseline[1].metadata.name,
      "'kaas.baseline[1].metadata.name'",
    ],
    [
      'baseline without kind',
      k => delete k.baseline[1].kind,
      "'kaas.baseline[1].kind'",
    ],
    [
      'baseline unknown placeholder',
      k => (k.baseline[1].subjects[0].name = '${{ tenant.group }}'),
      "'kaas.baseline[1].subjects[0].name': unknown placeholder",
    ],
    [
      'baseline namespace not the tenant',
      k => (k.baseline[0].metadata.name = 'default'),
      "'kaas.baseline[0].metadata.name': a Namespace entry may only add labels",
    ],
    [
      'baseline label with our marks',
      k => (k.baseline[0].metadata.labels['kaas.internal/tenant'] = 'x'),
      "'kaas.baseline[0].metadata.labels.kaas.internal/tenant': is set by the platform itself",
    ],
    [
      'baseline Pod Security label',
      k =>
        (k.baseline[0].metadata.labels['pod-security.kubernetes.io/enforce'] =
          'privileged'),
      'is set by the platform itself',
    ],
    [
      'duplicate baseline',
      k => k.baseline.push(k.baseline[1]),
      "'kaas.baseline[5].metadata.name': RoleBinding 'tenant-owner-admin' is already defined by kaas.baseline[1]",
    ],
    [
      'baseline isolations naming an unknown isolation',
      k => (k.baseline[1].isolations = ['namespace', 'vm']),
      "'kaas.baseline[1].isolations[1]': must be one of: namespace, vcluster, cluster",
    ],
    [
      'baseline isolations that list none',
      k => (k.baseline[1].isolations = []),
      "'kaas.baseline[1].isolations': lists no isolation, so no tenant would get the object",
    ],
    [
      'baseline isolations that are not a list',
      k => (k.baseline[1].isolations = 'namespace'),
      "'kaas.baseline[1].isolations'",
    ],
    [
      'baseline isolations listing one twice',
      k => (k.baseline[1].isolations = ['namespace', 'namespace']),
      "'kaas.baseline[1].isolations': lists an isolation twice",
    ],
    [
      'isolations on the Namespace entry',
      k => (k.baseline[0].isolations = ['namespace']),
      "'kaas.baseline[0].isolations': a Namespace entry may only set metadata.labels and metadata.annotations",
    ],
    [
      'isolated without network policies',
      k =>
        (k.baseline = k.baseline.filter(
          (b: any) => b.kind !== 'NetworkPolicy',
        )),
      "'kaas.tenantProfiles.small.networkPolicy': 'isolated' applies the NetworkPolicies of kaas.baseline",
    ],
  ])('refuses %s, naming the key', (_, change, message) => {
    expect(() => read(change)).toThrow(message);
  });
});
