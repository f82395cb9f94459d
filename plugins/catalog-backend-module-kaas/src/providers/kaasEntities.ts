import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  KubernetesValidatorFunctions,
  type Entity,
} from '@backstage/catalog-model';
import {
  TENANT_ENTITY_TYPE,
  capabilityEntityRef,
  instanceEntityName,
  instanceEntityType,
  kaasEntityPageUrl,
  kaasMarkKeys,
  tenantEntityRef,
} from '@kaas-platform/plugin-kaas-common';
import type {
  InstanceSummary,
  TenantSummary,
} from '@kaas-platform/plugin-kaas-node';

/** The Kubernetes plugin's annotations (`@backstage/plugin-kubernetes-common`). */
const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';
const KUBERNETES_LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';

/** What the entities depend on besides the tenant or instance. @public */
export interface KaasEntityOptions {
  /** `kaas.tenants.markPrefix`: the prefix of the platform's annotation keys. */
  markPrefix: string;
  /** `app.baseUrl`: entity links must be absolute URLs. */
  appBaseUrl: string;
}

/** Location of every entity of one cluster, e.g. `kaas-cluster:local`. @public */
export function kaasClusterLocation(cluster: string): string {
  return `kaas-cluster:${cluster}`;
}

function locationAnnotations(cluster: string): Record<string, string> {
  const location = kaasClusterLocation(cluster);
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}

/**
 * A tenant's catalog entity (docs/tenant-pages-contracts.md): a Resource of type
 * `kubernetes-tenant` owned by the tenant's group, with the annotations Backstage's
 * Kubernetes plugin reads and the platform's own under `markPrefix`.
 *
 * @public
 */
export function tenantEntity(
  tenant: TenantSummary & { description?: string },
  { markPrefix, appBaseUrl }: KaasEntityOptions,
): Entity {
  const marks = kaasMarkKeys(markPrefix);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: tenant.name,
      namespace: 'default',
      title: tenant.name,
      ...(tenant.description ? { description: tenant.description } : {}),
      annotations: {
        ...locationAnnotations(tenant.cluster),
        [KUBERNETES_ID]: tenant.name,
        [KUBERNETES_NAMESPACE]: tenant.namespace,
        [KUBERNETES_LABEL_SELECTOR]: `${marks.tenant}=${tenant.name}`,
        [`${markPrefix}/cluster`]: tenant.cluster,
        [marks.isolation]: tenant.isolation,
        [`${markPrefix}/profile`]: tenant.profile,
        [`${markPrefix}/namespace`]: tenant.namespace,
      },
      links: [
        {
          url: kaasEntityPageUrl(appBaseUrl, tenant.name),
          title: 'Tenant page',
        },
      ],
    },
    spec: {
      type: TENANT_ENTITY_TYPE,
      owner: tenant.owner,
    },
  };
}

/**
 * An instance's catalog entity: a Resource `<tenant>.<instance>` of type
 * `xaas-<capability>` owned by the tenant's group that depends on the tenant's entity
 * and on its capability's entity (`xaas-capability-<id>`, from the template provider).
 * Undefined when that name is no valid entity name (longer than 63 characters).
 *
 * @public
 */
export function instanceEntity(
  instance: InstanceSummary,
  { markPrefix, appBaseUrl }: KaasEntityOptions,
): Entity | undefined {
  const marks = kaasMarkKeys(markPrefix);
  const name = instanceEntityName(instance.tenant, instance.name);
  if (!KubernetesValidatorFunctions.isValidObjectName(name)) return undefined;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: `${instance.name} (${instance.tenant})`,
      annotations: {
        ...locationAnnotations(instance.cluster),
        [KUBERNETES_NAMESPACE]: instance.namespace,
        [KUBERNETES_LABEL_SELECTOR]: `${marks.tenant}=${instance.tenant},${marks.instance}=${instance.name}`,
        [`${markPrefix}/cluster`]: instance.cluster,
        [marks.tenant]: instance.tenant,
        [marks.capability]: instance.capability,
        [`${markPrefix}/plan`]: instance.plan,
        [`${markPrefix}/namespace`]: instance.namespace,
      },
      links: [
        {
          url: kaasEntityPageUrl(appBaseUrl, name),
          title: 'Instance page',
        },
      ],
    },
    spec: {
      type: instanceEntityType(instance.capability),
      owner: instance.owner,
      dependsOn: [
        tenantEntityRef(instance.tenant),
        capabilityEntityRef(instance.capability),
      ],
    },
  };
}
