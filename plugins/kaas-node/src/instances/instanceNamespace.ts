import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import { clusterGroupOfOwner } from '../tenants/clusterGroupName';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import type { TenantSettings } from '../tenants/tenantPolicy';

/** Name of the RoleBinding that lets the owner group look into a tenant's XaaS namespace. */
export const INSTANCE_NAMESPACE_VIEWER_BINDING = 'tenant-owner-view';

/**
 * The per-tenant XaaS namespace and the RoleBinding that lets the owner group (as the
 * clusters name it, `kaas.oidc.groupsPrefix` included) see its instances with kubectl.
 * `view`, not `admin`: the namespace has no quota, and the credentials are revealed
 * through Backstage, where reading them is audited (`view` cannot read Secrets).
 */
export function instanceNamespaceManifests(options: {
  namespace: string;
  tenant: { name: string; owner: string };
  marks: KaasMarkKeys;
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>;
}): KubernetesManifest[] {
  const { namespace, tenant, marks, settings } = options;
  const labels = {
    [marks.tenant]: tenant.name,
    [marks.managedBy]: MANAGED_BY_VALUE,
  };
  const annotations = { [marks.owner]: tenant.owner };
  const ownerGroup = clusterGroupOfOwner(tenant.owner, settings);
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels, annotations },
    },
    ...(ownerGroup
      ? [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: {
              name: INSTANCE_NAMESPACE_VIEWER_BINDING,
              namespace,
              labels,
              annotations,
            },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'view',
            },
            subjects: [
              {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'Group',
                name: ownerGroup,
              },
            ],
          } as KubernetesManifest,
        ]
      : []),
  ];
}
