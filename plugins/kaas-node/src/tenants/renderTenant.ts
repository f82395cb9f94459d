import { InputError } from '@backstage/errors';
import {
  MANAGED_BY_VALUE,
  kaasMarkKeys,
  kubernetesGroupName,
  labelValueProblem,
  parseGroupRef,
  tenantNamespaceName,
  type TenantIsolation,
  type TenantRequest,
} from '@kaas-platform/plugin-kaas-common';
import type { KubernetesManifest } from './kubernetesManifest';
import {
  renderVirtualCluster,
  renderWorkloadCluster,
} from './renderClusterApi';
import { clusterGroupName } from './clusterGroupName';
import { renderInClusterPolicy } from './renderInClusterPolicy';
import type { TenantPolicy } from './tenantPolicy';
import {
  substitutePlaceholders,
  type TenantTemplateValues,
} from './tenantPlaceholders';

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Names of the policy objects rendered from a tenant's profile. @public */
export const TENANT_QUOTA_NAME = 'tenant-quota';
/** @public */
export const TENANT_LIMIT_RANGE_NAME = 'tenant-limits';

/** What a tenant request becomes: the objects to apply, in apply order. @public */
export interface TenantPlan {
  tenant: string;
  /** The home namespace. */
  namespace: string;
  /** Name of the cluster the objects go to. */
  cluster: string;
  isolation: TenantIsolation;
  /** Full ref of the owning group. */
  owner: string;
  /** The home namespace first, then the objects inside it. */
  manifests: KubernetesManifest[];
}

/**
 * Renders a validated request into manifests, using only configuration (no I/O).
 * Content is deterministic (no timestamps, sorted maps), so applying the same request
 * twice changes nothing.
 *
 * @public
 */
export function renderTenant(
  request: TenantRequest,
  policy: TenantPolicy,
  cluster: string,
): TenantPlan {
  const { settings } = policy;
  const marks = kaasMarkKeys(settings.markPrefix);
  const profile = policy.profiles[request.profile];
  if (!profile) {
    throw new InputError(
      `Unknown tenant profile '${
        request.profile
      }'; choose one of: ${Object.keys(policy.profiles).join(', ')}`,
    );
  }
  const namespace = tenantNamespaceName(request.name, settings);
  const ownerGroup = parseGroupRef(request.owner);
  if (ownerGroup.problem !== undefined) {
    throw new InputError(`owner ${ownerGroup.problem}`);
  }
  const values: TenantTemplateValues = {
    name: request.name,
    namespace,
    owner: ownerGroup.group.ref,
    ownerName: kubernetesGroupName(ownerGroup.group),
    ownerGroup: clusterGroupName(ownerGroup.group, settings),
    groupsPrefix: settings.ownerGroupPrefix ?? '',
    isolation: request.isolation,
    profile: request.profile,
  };
  const tenantLabels = {
    [marks.tenant]: request.name,
    [marks.managedBy]: MANAGED_BY_VALUE,
  };
  // Every object records its owner, so none is ever taken for another owner's.
  const ownerAnnotation = { [marks.owner]: values.owner };
  const metadata = (name: string) => ({
    name,
    namespace,
    labels: { ...tenantLabels },
    annotations: { ...ownerAnnotation },
  });

  const namespaceIndex = policy.baseline.findIndex(b => b.kind === 'Namespace');
  const namespaceExtras =
    namespaceIndex >= 0
      ? substitutePlaceholders(policy.baseline[namespaceIndex].metadata, values)
      : undefined;
  assertLabelValues(
    namespaceExtras?.labels,
    `kaas.baseline[${namespaceIndex}]`,
    request,
  );
  const podSecurity = Object.fromEntries(
    ['enforce', 'audit', 'warn'].flatMap(mode => [
      [`pod-security.kubernetes.io/${mode}`, profile.podSecurity],
      [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
    ]),
  );
  const annotations: Record<string, string> = {
    ...request.annotations,
    ...namespaceExtras?.annotations,
    [marks.owner]: values.owner,
    [marks.spec]: JSON.stringify(request),
  };
  if (request.description) annotations[marks.description] = request.description;

  const home: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: sorted({
        ...request.labels,
        ...namespaceExtras?.labels,
        ...podSecurity,
        ...tenantLabels,
        [marks.isolation]: request.isolation,
      }),
      annotations: sorted(annotations),
    },
  };

  const quota: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: metadata(TENANT_QUOTA_NAME),
    spec: { hard: { ...profile.quota.hard } },
  };
  const containerLimits: Record<string, unknown> = {
    type: 'Container',
    default: { ...profile.limitRange.default },
    defaultRequest: { ...profile.limitRange.defaultRequest },
  };
  if (profile.limitRange.max)
    containerLimits.max = { ...profile.limitRange.max };
  const limitRange: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: metadata(TENANT_LIMIT_RANGE_NAME),
    spec: { limits: [containerLimits] },
  };

  const baseline = policy.baseline
    .map((template, index) => ({ template, index }))
    .filter(({ template }) => template.kind !== 'Namespace')
    .filter(
      ({ template }) =>
        profile.networkPolicy === 'isolated' ||
        template.kind !== 'NetworkPolicy',
    )
    .filter(
      ({ template }) =>
        !template.isolations || template.isolations.includes(request.isolation),
    )
    .map(({ template: { isolations: _, ...template }, index }) => {
      const rendered = substitutePlaceholders(template, values);
      const name = rendered.metadata.name;
      if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
        throw new InputError(
          `kaas.baseline[${index}] renders the ${template.kind} name '${name}' for tenant '${request.name}', which is not a DNS subdomain; fix the template`,
        );
      }
      assertLabelValues(
        rendered.metadata.labels,
        `kaas.baseline[${index}]`,
        request,
      );
      return {
        ...rendered,
        metadata: {
          ...rendered.metadata,
          namespace,
          labels: sorted({ ...rendered.metadata.labels, ...tenantLabels }),
          annotations: sorted({
            ...rendered.metadata.annotations,
            ...ownerAnnotation,
          }),
        },
      } as KubernetesManifest;
    });

  let isolationObjects: KubernetesManifest[] = [];
  if (request.isolation === 'vcluster') {
    isolationObjects = renderVirtualCluster(
      request.name,
      profile,
      metadata,
      request.kubernetesVersion,
    );
  } else if (request.isolation === 'cluster') {
    isolationObjects = renderWorkloadCluster(
      request.name,
      profile,
      values,
      metadata,
      request.kubernetesVersion,
    );
  }
  // Policy inside the tenant's own cluster, for tenants with a Cluster API Cluster (a
  // Crossplane claim's composition delivers its own).
  const inCluster =
    request.isolation === 'vcluster' ||
    (request.isolation === 'cluster' && !profile.crossplane)
      ? renderInClusterPolicy(request.name, profile, values, metadata, marks)
      : [];
  // The home namespace records which policy objects it holds, so that an object today's
  // policy no longer renders is deleted on the next apply (never the cluster objects).
  home.metadata.annotations = sorted({
    ...home.metadata.annotations,
    [marks.policyObjects]: JSON.stringify(
      policyObjectIds([quota, limitRange, ...baseline, ...inCluster]),
    ),
  });

  return {
    tenant: request.name,
    namespace,
    cluster,
    isolation: request.isolation,
    owner: values.owner,
    manifests: [
      home,
      quota,
      limitRange,
      ...baseline,
      ...isolationObjects,
      ...inCluster,
    ],
  };
}

/** `apiVersion/kind/name` of each object, sorted: what the policy-objects mark holds. */
export function policyObjectIds(manifests: KubernetesManifest[]): string[] {
  return manifests
    .map(m => `${m.apiVersion}/${m.kind}/${m.metadata.name}`)
    .sort();
}

/**
 * Label values rendered from placeholders must still be label values: an owner outside
 * the `default` catalog namespace renders `${{ tenant.ownerName }}` as `other/team-a`,
 * which a label cannot hold.
 */
function assertLabelValues(
  labels: Record<string, string> | undefined,
  key: string,
  request: TenantRequest,
): void {
  for (const [label, value] of Object.entries(labels ?? {})) {
    const problem = labelValueProblem(value);
    if (problem) {
      throw new InputError(
        `${key} renders label '${label}: ${value}' for tenant '${request.name}' of ${request.owner}, and a label value ${problem}; the platform team must change that label in kaas.baseline (e.g. drop \${{ tenant.ownerName }} from it) before this owner can have tenants`,
      );
    }
  }
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => Number(a > b) - Number(a < b)),
  );
}
