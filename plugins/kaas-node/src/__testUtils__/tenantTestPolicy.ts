import { ConfigReader } from '@backstage/config';
import { testCluster, untitledClusterEntry } from '@internal/kaas-test-cluster';

/** API group and kind of the tiny XRD-like CRD the tests install in place of Crossplane. */
export const TEST_CLAIM = {
  group: 'platform.kaas.internal',
  version: 'v1alpha1',
  kind: 'KubernetesClusterClaim',
  plural: 'kubernetesclusterclaims',
};

/** The `kaas` tenant configuration the tests use (the clusters come from the caller). */
export function tenantTestConfig(clusters: unknown[] = []) {
  // Cast: ConfigReader's JSON type has no room for the test's unknown[] clusters.
  return new ConfigReader({
    kaas: {
      clusters,
      tenants: { reservedNames: ['platform'] },
      platformAdmins: ['group:default/platform-team'],
      tenantProfiles: {
        small: {
          quota: {
            hard: { pods: 10, 'requests.cpu': '2', 'limits.memory': '4Gi' },
          },
          limitRange: {
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            max: { cpu: '2' },
          },
          podSecurity: 'restricted',
          vcluster: {
            kubernetesVersion: '1.33.4',
            values: { sync: { toHost: { ingresses: { enabled: true } } } },
          },
        },
        open: {
          quota: { hard: { pods: 5 } },
          limitRange: {
            default: { cpu: '1' },
            defaultRequest: { cpu: '100m' },
          },
          podSecurity: 'baseline',
          networkPolicy: 'none',
        },
        large: {
          quota: { hard: { pods: 100 } },
          limitRange: {
            default: { cpu: '1' },
            defaultRequest: { cpu: '100m' },
          },
          podSecurity: 'baseline',
          clusterClass: {
            name: 'kaas-default',
            version: 'v1.33.4',
            workers: {
              machineDeployments: [
                { class: 'default-worker', name: 'md-0', replicas: 2 },
              ],
            },
            variables: [{ name: 'owner', value: '${{ tenant.ownerName }}' }],
          },
        },
        // Valid configuration, but the API server refuses its machine deployment name.
        broken: {
          quota: { hard: { pods: 1 } },
          limitRange: {
            default: { cpu: '1' },
            defaultRequest: { cpu: '100m' },
          },
          podSecurity: 'baseline',
          clusterClass: {
            name: 'kaas-default',
            version: 'v1.33.4',
            workers: { machineDeployments: [{ class: 'w', name: 'Bad_Name' }] },
          },
        },
        managed: {
          quota: { hard: { pods: 100 } },
          limitRange: {
            default: { cpu: '1' },
            defaultRequest: { cpu: '100m' },
          },
          podSecurity: 'baseline',
          crossplane: {
            apiVersion: `${TEST_CLAIM.group}/${TEST_CLAIM.version}`,
            kind: TEST_CLAIM.kind,
            parameters: {
              region: 'eu-1',
              nodes: 3,
              team: '${{ tenant.ownerName }}',
            },
          },
        },
      },
      baseline: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: '${{ tenant.namespace }}',
            labels: { monitoring: 'enabled', team: '${{ tenant.ownerName }}' },
          },
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          // As in app-config.yaml: owners of virtual and dedicated clusters are not
          // admins of the management namespace.
          isolations: ['namespace'],
          metadata: { name: 'tenant-owner-admin' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'admin',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: '${{ tenant.ownerGroup }}',
            },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'platform-team-view' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'view',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Group',
              name: '${{ tenant.groupsPrefix }}platform-team',
            },
          ],
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'default-deny-ingress' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'allow-from-monitoring' },
          spec: {
            podSelector: {},
            policyTypes: ['Ingress'],
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: {
                      matchLabels: {
                        'kubernetes.io/metadata.name': 'monitoring',
                      },
                    },
                  },
                ],
              },
            ],
          },
        },
      ],
    },
  } as any);
}

/** {@link tenantTestConfig} on the shared test control plane, as cluster `local`. */
export function localTenantTestConfig() {
  return tenantTestConfig([untitledClusterEntry(testCluster())]);
}
