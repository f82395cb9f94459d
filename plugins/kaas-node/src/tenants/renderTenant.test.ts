import { ConfigReader } from '@backstage/config';
import { readTenantPolicy } from './readTenantPolicy';
import { renderTenant } from './renderTenant';
import { tenantTestConfig } from '../__testUtils__/tenantTestPolicy';

/** The tests' policy with `kaas.oidc.groupsPrefix` set. */
function policyWithGroupsPrefix(groupsPrefix: string) {
  const { kaas } = tenantTestConfig().get() as { kaas: any };
  return readTenantPolicy(
    new ConfigReader({
      kaas: {
        ...kaas,
        oidc: {
          issuerUrl: 'https://login.example.com/realms/kaas',
          clientId: 'kubectl',
          groupsPrefix,
        },
      },
    }),
  );
}

describe('renderTenant', () => {
  const policy = readTenantPolicy(
    new ConfigReader({ kaas: tenantTestConfig().get('kaas') as any }),
  );
  const request = {
    name: 'shop',
    owner: 'group:default/team-a',
    isolation: 'namespace' as const,
    profile: 'small',
  };

  it('renders the home namespace first, every object marked and in the namespace', () => {
    const plan = renderTenant(request, policy, 'local');
    expect(plan).toMatchObject({
      tenant: 'shop',
      namespace: 't-shop',
      cluster: 'local',
      owner: 'group:default/team-a',
    });
    const [home, ...rest] = plan.manifests;
    expect(home.kind).toBe('Namespace');
    expect(home.metadata.annotations).toEqual({
      'kaas.internal/owner': 'group:default/team-a',
      'kaas.internal/spec': JSON.stringify(request),
      // Every other object but those of a tenant's own cluster (none here).
      'kaas.internal/policy-objects': JSON.stringify(
        rest.map(o => `${o.apiVersion}/${o.kind}/${o.metadata.name}`).sort(),
      ),
    });
    for (const object of rest) {
      expect(object.metadata.namespace).toBe('t-shop');
      expect(object.metadata.annotations).toMatchObject({
        'kaas.internal/owner': 'group:default/team-a',
      });
      expect(object.metadata.labels).toMatchObject({
        'kaas.internal/tenant': 'shop',
        'kaas.internal/managed-by': 'backstage-kaas',
      });
    }
    expect(rest.find(o => o.kind === 'LimitRange')?.spec).toEqual({
      limits: [
        {
          type: 'Container',
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '100m', memory: '128Mi' },
          max: { cpu: '2' },
        },
      ],
    });
  });

  it('is deterministic, so re-applying changes nothing', () => {
    expect(renderTenant(request, policy, 'local')).toEqual(
      renderTenant(request, policy, 'local'),
    );
  });

  it('substitutes placeholders as values, never as YAML', () => {
    const odd = { ...request, owner: 'group:default/team.a_b' };
    const binding = renderTenant(odd, policy, 'local').manifests.find(
      m => m.metadata.name === 'tenant-owner-admin',
    ) as any;
    expect(binding.subjects[0].name).toBe('team.a_b');
  });

  it('binds the owner group as admin of the home namespace of namespace tenants only (baseline isolations)', () => {
    const ownerBindings = (isolation: 'namespace' | 'vcluster' | 'cluster') =>
      renderTenant(
        {
          ...request,
          isolation,
          profile: isolation === 'cluster' ? 'large' : 'small',
        },
        policy,
        'local',
      )
        .manifests.filter(m => m.kind === 'RoleBinding')
        .filter(m => (m as any).subjects.some((s: any) => s.name === 'team-a'))
        .map(m => m.metadata.name);
    expect(ownerBindings('namespace')).toEqual(['tenant-owner-admin']);
    expect(ownerBindings('vcluster')).toEqual([]);
    expect(ownerBindings('cluster')).toEqual([]);
    // The field says who gets the object; it is no part of the object.
    for (const m of renderTenant(request, policy, 'local').manifests) {
      expect(m).not.toHaveProperty('isolations');
    }
  });

  it('leaves the NetworkPolicies out for networkPolicy none', () => {
    const plan = renderTenant({ ...request, profile: 'open' }, policy, 'local');
    expect(plan.manifests.some(m => m.kind === 'NetworkPolicy')).toBe(false);
  });

  it('keeps the catalog namespace of an owner outside default in its Kubernetes group name', () => {
    const withoutTeamLabel = {
      ...policy,
      baseline: policy.baseline.filter(b => b.kind !== 'Namespace'),
    };
    const subjectOf = (owner: string) =>
      (
        renderTenant({ ...request, owner }, withoutTeamLabel, 'local')
          .manifests as any[]
      ).find(m => m.metadata.name === 'tenant-owner-admin').subjects;
    expect(subjectOf('group:default/team-a')).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' },
    ]);
    expect(subjectOf('group:other/team-a')).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'other/team-a',
      },
    ]);
  });

  it('binds the owner group as the API servers name it when kaas.oidc.groupsPrefix is set, and keeps the team label unprefixed', () => {
    const prefixed = policyWithGroupsPrefix('oidc:');
    const plan = renderTenant(request, prefixed, 'local');
    const admin = (plan.manifests as any[]).find(
      m => m.metadata.name === 'tenant-owner-admin',
    );
    expect(admin.subjects).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'oidc:team-a',
      },
    ]);
    expect(plan.manifests[0].metadata.labels).toMatchObject({ team: 'team-a' });
  });

  it.each([['system:'], ['system:serviceaccounts:'], ['with space ']])(
    "refuses kaas.oidc.groupsPrefix '%s', naming the key",
    groupsPrefix => {
      expect(() => policyWithGroupsPrefix(groupsPrefix)).toThrow(
        /kaas\.oidc\.groupsPrefix/,
      );
    },
  );

  it('refuses, naming the baseline entry, a label the owner name cannot be a value of', () => {
    expect(() =>
      renderTenant(
        { ...request, owner: 'group:other/team-a' },
        policy,
        'local',
      ),
    ).toThrow(
      "kaas.baseline[0] renders label 'team: other/team-a' for tenant 'shop' of group:other/team-a, and a label value must be empty or consist of",
    );
  });
});
