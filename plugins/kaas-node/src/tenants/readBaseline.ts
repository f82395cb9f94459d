import type { Config } from '@backstage/config';
import { z } from 'zod';
import {
  DEFAULT_MARK_PREFIX,
  isKeyUnderDomain,
  labelValueProblem,
  qualifiedNameProblem,
  TENANT_ISOLATIONS,
} from '@kaas-platform/plugin-kaas-common';
import type { BaselineTemplate } from './tenantPolicy';
import { unknownPlaceholders } from './tenantPlaceholders';
import {
  API_VERSION,
  KIND,
  TenantConfigError,
  parseOrThrow,
} from './tenantConfigError';

/** The placeholder that must name a baseline Namespace entry (it only adds labels). */
export const NAMESPACE_PLACEHOLDER = '${{ tenant.namespace }}';

/**
 * Kinds that are cluster-scoped in every Kubernetes cluster. Baseline objects live in the
 * tenant's namespace; apply also checks the scope against the cluster's discovery.
 */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'VolumeAttachment',
]);

function metadataKeysProblem(
  keys: string[],
  markPrefix: string,
  labels: Record<string, string> | undefined,
): { key: string; problem: string } | undefined {
  for (const key of keys) {
    const problem = qualifiedNameProblem(key);
    if (problem) return { key, problem };
    if (
      isKeyUnderDomain(key, markPrefix) ||
      key.startsWith('pod-security.kubernetes.io/')
    ) {
      return { key, problem: 'is set by the platform itself; remove it' };
    }
    const value = labels?.[key];
    if (value !== undefined && !value.includes('${{')) {
      const valueProblem = labelValueProblem(value);
      if (valueProblem) return { key, problem: `value ${valueProblem}` };
    }
  }
  return undefined;
}

const baselineSchema = z.looseObject({
  apiVersion: z.string().regex(API_VERSION, {
    error: 'must be an apiVersion, e.g. v1 or networking.k8s.io/v1',
  }),
  isolations: z
    .array(
      z.enum(TENANT_ISOLATIONS, {
        error: `must be one of: ${TENANT_ISOLATIONS.join(', ')}`,
      }),
    )
    .min(1, {
      error: `lists no isolation, so no tenant would get the object; list some of ${TENANT_ISOLATIONS.join(
        ', ',
      )}, or leave isolations out for all`,
    })
    .refine(list => new Set(list).size === list.length, {
      error: 'lists an isolation twice',
    })
    .optional(),
  kind: z.string().regex(KIND, { error: 'must be a kind, e.g. RoleBinding' }),
  metadata: z.looseObject({
    name: z.string().min(1, { error: 'is required' }),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

/**
 * Reads `kaas.baseline`: objects every tenant gets. Each must be namespaced (it is put
 * into the tenant's namespace); one `Namespace` entry named `${{ tenant.namespace }}`
 * may add labels and annotations to the home namespace.
 *
 * @public
 */
export function readBaseline(
  config: Config,
  markPrefix: string = DEFAULT_MARK_PREFIX,
): BaselineTemplate[] {
  const raw = config.getOptional('kaas.baseline') ?? [];
  if (!Array.isArray(raw)) {
    throw new TenantConfigError(
      'kaas.baseline',
      'must be a list of Kubernetes objects',
    );
  }
  const seen = new Map<string, number>();
  return raw.map((entry, i) => {
    const key = `kaas.baseline[${i}]`;
    const template = parseOrThrow(
      baselineSchema,
      entry,
      key,
    ) as BaselineTemplate;
    const { kind, metadata } = template;
    for (const problem of unknownPlaceholders(template, key)) {
      throw new TenantConfigError(problem.path, problem.problem);
    }
    if (kind === 'Namespace') {
      if (metadata.name !== NAMESPACE_PLACEHOLDER) {
        throw new TenantConfigError(
          `${key}.metadata.name`,
          `a Namespace entry may only add labels and annotations to the tenant's namespace; name it '${NAMESPACE_PLACEHOLDER}'`,
        );
      }
      const extra = Object.keys(template).filter(
        k => !['apiVersion', 'kind', 'metadata'].includes(k),
      );
      if (extra.length) {
        throw new TenantConfigError(
          `${key}.${extra[0]}`,
          'a Namespace entry may only set metadata.labels and metadata.annotations',
        );
      }
    } else if (CLUSTER_SCOPED_KINDS.has(kind)) {
      throw new TenantConfigError(
        `${key}.kind`,
        `${kind} is cluster-scoped; baseline objects live in the tenant's namespace`,
      );
    }
    if (
      metadata.namespace !== undefined &&
      metadata.namespace !== NAMESPACE_PLACEHOLDER
    ) {
      throw new TenantConfigError(
        `${key}.metadata.namespace`,
        `baseline objects live in the tenant's namespace; leave namespace out or set it to '${NAMESPACE_PLACEHOLDER}'`,
      );
    }
    for (const [field, map] of [
      ['labels', metadata.labels],
      ['annotations', metadata.annotations],
    ] as const) {
      const problem = metadataKeysProblem(
        Object.keys(map ?? {}),
        markPrefix,
        field === 'labels' ? map : undefined,
      );
      if (problem) {
        throw new TenantConfigError(
          `${key}.metadata.${field}.${problem.key}`,
          problem.problem,
        );
      }
    }
    const identity = `${template.apiVersion}/${kind}/${metadata.name}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      throw new TenantConfigError(
        `${key}.metadata.name`,
        `${kind} '${metadata.name}' is already defined by kaas.baseline[${first}]`,
      );
    }
    seen.set(identity, i);
    return template;
  });
}
