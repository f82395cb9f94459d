import { z } from 'zod';
import {
  isKeyUnderDomain,
  labelValueProblem,
  qualifiedNameProblem,
} from '@kaas-platform/plugin-kaas-common';
import { CLUSTER_SCOPED_KINDS } from './readBaseline';
import type { InClusterTemplate } from './tenantPolicy';
import {
  substitutePlaceholders,
  unknownPlaceholders,
  type TenantTemplateValues,
} from './tenantPlaceholders';
import {
  API_VERSION,
  KIND,
  TenantConfigError,
  parseOrThrow,
} from './tenantConfigError';

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A tenant every template is rendered for at startup, so that a name which is no DNS
 * name once its placeholders are filled in (`${{ tenant.owner }}` holds `:` and `/`) is
 * refused before any tenant asks for it.
 */
const SAMPLE_TENANT: Omit<TenantTemplateValues, 'profile'> = {
  name: 'example',
  namespace: 't-example',
  owner: 'group:default/example',
  ownerName: 'example',
  ownerGroup: 'example',
  groupsPrefix: '',
  isolation: 'vcluster',
};

const inClusterSchema = z
  .strictObject({
    apiVersion: z.string().regex(API_VERSION, {
      error: 'must be an apiVersion, e.g. v1 or networking.k8s.io/v1',
    }),
    kind: z
      .string()
      .regex(KIND, { error: 'must be a kind, e.g. NetworkPolicy' }),
    metadata: z.strictObject({
      name: z.string().min(1, { error: 'is required' }),
      namespace: z.string().min(1, { error: 'must not be empty' }).optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
    // The object's own fields (spec, rules, data, roleRef, subjects, ...).
  })
  .catchall(z.unknown());

/**
 * Why `object` (rendered) cannot go into a tenant's cluster, with the field at fault; or
 * undefined. Used at startup on the sample tenant and at render time on the real one.
 */
export function inClusterObjectProblem(
  object: InClusterTemplate,
): { field: string; problem: string } | undefined {
  const { name, namespace } = object.metadata;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return {
      field: 'metadata.name',
      problem: `renders '${name}', which is not a DNS subdomain (lower-case letters, digits, '-' and '.')`,
    };
  }
  if (
    namespace !== undefined &&
    (namespace.length > 63 || !DNS_LABEL.test(namespace))
  ) {
    return {
      field: 'metadata.namespace',
      problem: `renders '${namespace}', which is not a namespace name`,
    };
  }
  for (const [label, value] of Object.entries(object.metadata.labels ?? {})) {
    const problem = labelValueProblem(value);
    if (problem) {
      return {
        field: `metadata.labels.${label}`,
        problem: `renders '${value}', and a label value ${problem}`,
      };
    }
  }
  return undefined;
}

/**
 * Reads a profile's `inCluster` list (at `key`): Kubernetes objects for the inside of a
 * tenant's own cluster, delivered by a Cluster API ClusterResourceSet. Each needs
 * apiVersion, kind and metadata.name; an object of a cluster-scoped kind has no
 * namespace, any other names the namespace inside the tenant's cluster it goes to
 * (Cluster API applies objects as written). Keys under the mark prefix are the
 * platform's. Every template is rendered once for a sample tenant, so a name that is no
 * DNS name once filled in is refused here. Throws {@link TenantConfigError} naming the key.
 */
export function readInClusterPolicy(
  raw: unknown,
  key: string,
  profile: string,
  markPrefix: string,
): InClusterTemplate[] {
  if (!Array.isArray(raw)) {
    throw new TenantConfigError(
      key,
      'must be a list of Kubernetes objects (e.g. a ClusterRoleBinding, NetworkPolicies, a Namespace)',
    );
  }
  const seen = new Map<string, number>();
  return raw.map((entry, i) => {
    const at = `${key}[${i}]`;
    const template = parseOrThrow(
      inClusterSchema,
      entry,
      at,
    ) as InClusterTemplate;
    for (const problem of unknownPlaceholders(template, at)) {
      throw new TenantConfigError(problem.path, problem.problem);
    }
    const { kind, metadata } = template;
    if (CLUSTER_SCOPED_KINDS.has(kind) && metadata.namespace !== undefined) {
      throw new TenantConfigError(
        `${at}.metadata.namespace`,
        `${kind} is cluster-scoped; leave namespace out`,
      );
    }
    if (!CLUSTER_SCOPED_KINDS.has(kind) && metadata.namespace === undefined) {
      throw new TenantConfigError(
        `${at}.metadata.namespace`,
        `name the namespace inside the tenant's cluster the ${kind} goes to, e.g. default (Cluster API applies objects as written)`,
      );
    }
    for (const field of ['labels', 'annotations'] as const) {
      for (const name of Object.keys(metadata[field] ?? {})) {
        const problem =
          qualifiedNameProblem(name) ??
          (isKeyUnderDomain(name, markPrefix)
            ? 'is set by the platform itself; remove it'
            : undefined);
        if (problem) {
          throw new TenantConfigError(
            `${at}.metadata.${field}.${name}`,
            problem,
          );
        }
      }
    }
    const sample = substitutePlaceholders(template, {
      ...SAMPLE_TENANT,
      profile,
    });
    const problem = inClusterObjectProblem(sample);
    if (problem) {
      throw new TenantConfigError(
        `${at}.${problem.field}`,
        `${problem.problem} for a tenant named '${SAMPLE_TENANT.name}' of ${SAMPLE_TENANT.owner}; fix the template`,
      );
    }
    const identity = `${template.apiVersion}/${kind}/${
      metadata.namespace ?? ''
    }/${metadata.name}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      throw new TenantConfigError(
        `${at}.metadata.name`,
        `${kind} '${metadata.name}' is already defined by ${key}[${first}]`,
      );
    }
    seen.set(identity, i);
    return template;
  });
}
