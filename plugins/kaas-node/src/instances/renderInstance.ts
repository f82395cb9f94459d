import { InputError } from '@backstage/errors';
import {
  MANAGED_BY_VALUE,
  annotationValueProblem,
  INSTANCE_NAMESPACE_SUFFIX,
  dns1123LabelProblem,
  tenantNamespaceName,
  type Capability,
  type InstanceRequest,
  type KaasMarkKeys,
  type TenantNamingRules,
} from '@kaas-platform/plugin-kaas-common';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import type { TenantSettings } from '../tenants/tenantPolicy';
import type { TenantSummary } from '../tenants/tenantSummary';
import { instanceNamespaceManifests } from './instanceNamespace';
import {
  substituteInstancePlaceholders,
  whenHolds,
  type InstanceTemplateValueSet,
} from './instanceTemplates';
import { instanceTemplateValues } from './instanceValues';

/** The objects an instance request becomes, and where they go. @public */
export interface InstancePlan {
  tenant: string;
  /** The tenant's owner group; instances inherit it. */
  owner: string;
  capability: string;
  name: string;
  plan: string;
  cluster: string;
  namespace: string;
  /** The plan's parameters merged with the request's, defaults filled in. */
  parameters: Record<string, unknown>;
  /** In apply order; a `-xaas` namespace (and its owner's RoleBinding) comes first. */
  manifests: KubernetesManifest[];
}

/** Where a tenant's instances live (docs/xaas-contracts.md, Placement). @public */
export interface InstancePlacement {
  cluster: string;
  namespace: string;
  /** True when the namespace is a per-tenant XaaS namespace the platform creates. */
  dedicatedNamespace: boolean;
}

const DNS_1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Namespace tenants: the home namespace when the tenant's cluster has the `xaas` role
 * (or no cluster has it). Otherwise, and for vcluster and cluster tenants:
 * `<prefix><tenant>-xaas` on the tenant's cluster if it has the `xaas` role, else on the
 * first cluster that has it.
 */
export function instancePlacement(
  tenant: TenantSummary,
  clusters: ClusterRegistry,
  rules: TenantNamingRules,
): InstancePlacement {
  const candidates = clusters.withRole('xaas');
  if (
    tenant.isolation === 'namespace' &&
    (!candidates.length || candidates.some(c => c.name === tenant.cluster))
  ) {
    return {
      cluster: tenant.cluster,
      namespace: tenant.namespace,
      dedicatedNamespace: false,
    };
  }
  const cluster =
    candidates.find(c => c.name === tenant.cluster) ?? candidates[0];
  if (!cluster) {
    throw new InputError(
      `No configured cluster has the 'xaas' role that instances of ${tenant.isolation} tenants need; add the role to a cluster in kaas.clusters`,
    );
  }
  const namespace = `${tenantNamespaceName(
    tenant.name,
    rules,
  )}${INSTANCE_NAMESPACE_SUFFIX}`;
  const problem = dns1123LabelProblem(namespace);
  if (problem) {
    throw new InputError(
      `The XaaS namespace '${namespace}' of tenant '${tenant.name}' ${problem}; the tenant name is too long for instances`,
    );
  }
  return { cluster: cluster.name, namespace, dedicatedNamespace: true };
}

/** Renders a validated request with its checked parameters for `tenant`. */
export function renderInstance(options: {
  request: InstanceRequest;
  parameters: Record<string, unknown>;
  capability: Capability;
  tenant: TenantSummary;
  placement: InstancePlacement;
  marks: KaasMarkKeys;
  settings: Pick<TenantSettings, 'ownerGroupPrefix'>;
}): InstancePlan & {
  values: InstanceTemplateValueSet;
} {
  const {
    request,
    parameters,
    capability,
    tenant,
    placement,
    marks,
    settings,
  } = options;
  const spec = JSON.stringify({
    tenant: request.tenant,
    capability: request.capability,
    name: request.name,
    plan: request.plan,
    parameters: request.parameters ?? {},
  });
  const specProblem = annotationValueProblem(spec);
  if (specProblem) {
    throw new InputError(
      `The instance request ${specProblem}; send fewer parameters`,
    );
  }
  const instanceLabels = {
    [marks.tenant]: tenant.name,
    [marks.managedBy]: MANAGED_BY_VALUE,
    [marks.capability]: capability.id,
    [marks.instance]: request.name,
  };
  const instanceAnnotations = {
    [marks.owner]: tenant.owner,
    [marks.spec]: spec,
  };
  const values = instanceTemplateValues({
    capability,
    name: request.name,
    plan: request.plan,
    namespace: placement.namespace,
    parameters,
    tenant,
    settings,
  });

  const manifests: KubernetesManifest[] = [];
  if (placement.dedicatedNamespace) {
    manifests.push(
      ...instanceNamespaceManifests({
        namespace: placement.namespace,
        tenant,
        marks,
        settings,
      }),
    );
  }
  capability.objects.forEach((template, index) => {
    if (!whenHolds(template.when, parameters)) return;
    const { when: _when, ...object } = template;
    const rendered = substituteInstancePlaceholders(object, values);
    const name = rendered.metadata?.name;
    if (
      typeof name !== 'string' ||
      name.length > 253 ||
      !DNS_1123_SUBDOMAIN.test(name)
    ) {
      throw new InputError(
        `Object ${index} (${template.kind}) of capability '${
          capability.id
        }' would be named ${JSON.stringify(
          name,
        )}, which is not a valid Kubernetes name; choose another instance name`,
      );
    }
    manifests.push({
      ...rendered,
      metadata: {
        ...rendered.metadata,
        name,
        namespace: placement.namespace,
        labels: { ...rendered.metadata.labels, ...instanceLabels },
        annotations: {
          ...rendered.metadata.annotations,
          ...instanceAnnotations,
        },
      },
    } as KubernetesManifest);
  });
  return {
    tenant: tenant.name,
    owner: tenant.owner,
    capability: capability.id,
    name: request.name,
    plan: request.plan,
    cluster: placement.cluster,
    namespace: placement.namespace,
    parameters,
    manifests,
    values,
  };
}
