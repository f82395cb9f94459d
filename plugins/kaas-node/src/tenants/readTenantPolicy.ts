import type { Config } from '@backstage/config';
import { z } from 'zod';
import {
  DEFAULT_ALLOWED_KEY_PREFIXES,
  DEFAULT_MARK_PREFIX,
  MANAGED_BY_VALUE,
  dns1123LabelProblem,
  isKeyUnderDomain,
  labelValueProblem,
  parseGroupRef,
  qualifiedNameProblem,
  TENANT_ISOLATIONS,
} from '@internal/plugin-kaas-common';
import {
  POD_SECURITY_LEVELS,
  type BaselineTemplate,
  type TenantPolicy,
  type TenantProfile,
  type TenantSettings,
} from './tenantPolicy';
import { unknownPlaceholders } from './tenantPlaceholders';

/** Thrown for invalid tenant configuration; the message names the key to fix. @public */
export class TenantConfigError extends Error {
  constructor(readonly key: string, problem: string) {
    super(`Invalid tenant configuration at '${key}': ${problem}`);
    this.name = 'TenantConfigError';
  }
}

/** The placeholder that must name a baseline Namespace entry (it only adds labels). */
export const NAMESPACE_PLACEHOLDER = '${{ tenant.namespace }}';

/**
 * Kinds that are cluster-scoped in every Kubernetes cluster. Baseline objects live in the
 * tenant's namespace; apply also checks the scope against the cluster's discovery.
 */
const CLUSTER_SCOPED_KINDS = new Set([
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

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY =
  /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;
const API_VERSION =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function keyOf(base: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (key, part) =>
      typeof part === 'number' ? `${key}[${part}]` : `${key}.${String(part)}`,
    base,
  );
}

function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  base: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TenantConfigError(keyOf(base, issue.path), issue.message);
  }
  return result.data;
}

const quantity = z
  .union([z.string(), z.number()], {
    error: 'must be a quantity, e.g. 500m or 2Gi',
  })
  .transform(String)
  .refine(q => QUANTITY.test(q), {
    error: iss =>
      `'${iss.input}' is not a Kubernetes quantity, e.g. 500m, 2, 4Gi`,
  });

// Keys are checked in a refinement: zod reports a bad record key only as "Invalid key".
const quantities = z.record(z.string(), quantity).superRefine((map, ctx) => {
  for (const name of Object.keys(map)) {
    const problem = qualifiedNameProblem(name);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: `resource name '${name}' ${problem}`,
        path: [name],
      });
    }
  }
});

const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, { error: 'must be a lower-case DNS subdomain' });

const profileSchema = z.strictObject({
  title: z.string().optional(),
  description: z.string().optional(),
  quota: z.strictObject({
    hard: quantities.refine(h => Object.keys(h).length > 0, {
      error: 'list at least one resource, e.g. pods: 20',
    }),
  }),
  limitRange: z.strictObject({
    default: quantities,
    defaultRequest: quantities,
    max: quantities.optional(),
  }),
  podSecurity: z.enum(POD_SECURITY_LEVELS, {
    error: `must be one of: ${POD_SECURITY_LEVELS.join(', ')}`,
  }),
  networkPolicy: z
    .enum(['isolated', 'none'], { error: "must be 'isolated' or 'none'" })
    .default('isolated'),
  vcluster: z
    .strictObject({
      kubernetesVersion: z
        .string()
        .regex(/^v?\d+\.\d+(\.\d+)?$/, {
          error: 'must be a version, e.g. 1.33.4',
        })
        .optional(),
      values: z
        .union([z.string(), z.record(z.string(), z.unknown())], {
          error: 'must be Helm values as YAML text or an object',
        })
        .optional(),
      chart: z
        .strictObject({
          name: z.string().optional(),
          repo: z.string().optional(),
          version: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  clusterClass: z
    .strictObject({
      name: dnsSubdomain,
      namespace: z
        .string()
        .refine(n => !dns1123LabelProblem(n), {
          error: 'must be a namespace name',
        })
        .optional(),
      version: z
        .string()
        .min(1, { error: 'must be a Kubernetes version, e.g. v1.33.4' }),
      workers: z
        .strictObject({
          machineDeployments: z
            .array(z.record(z.string(), z.unknown()))
            .optional(),
          machinePools: z.array(z.record(z.string(), z.unknown())).optional(),
        })
        .optional(),
      variables: z
        .array(z.strictObject({ name: z.string().min(1), value: z.unknown() }))
        .optional(),
    })
    .optional(),
  crossplane: z
    .strictObject({
      apiVersion: z.string().regex(API_VERSION, {
        error:
          'must be <group>/<version>, e.g. platform.kaas.internal/v1alpha1',
      }),
      kind: z
        .string()
        .regex(KIND, { error: 'must be a kind, e.g. KubernetesCluster' }),
      parameters: z.record(z.string(), z.unknown()).default({}),
      connectionSecretName: dnsSubdomain.optional(),
    })
    .optional(),
});

/** Default of `kaas.tenants.platformNamespace`. @public */
export const DEFAULT_PLATFORM_NAMESPACE = 'kaas-platform';

/** Key domains whose labels and annotations only the platform and Kubernetes set. */
const PLATFORM_KEY_DOMAINS = ['kubernetes.io', 'k8s.io'];

/**
 * A list of key prefixes tenants may set. A prefix under the platform's own domains is a
 * configuration error; keys under them are refused per request whatever is listed.
 */
function keyPrefixes(markPrefix: string) {
  return z
    .array(
      z.string().refine(prefix => !qualifiedNameProblem(`${prefix}x`), {
        error: iss =>
          `'${iss.input}' is not the start of a label or annotation key; use e.g. example.com/`,
      }),
    )
    .superRefine((prefixes, ctx) => {
      prefixes.forEach((prefix, i) => {
        const domain = [markPrefix, ...PLATFORM_KEY_DOMAINS].find(
          d => prefix.includes('/') && isKeyUnderDomain(prefix, d),
        );
        if (domain) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `'${prefix}' is under '${domain}/', whose keys only the platform sets; list your own domains, e.g. example.com/`,
          });
        }
      });
    })
    .default([...DEFAULT_ALLOWED_KEY_PREFIXES]);
}

/** Reads `kaas.tenants`, applying the defaults. @public */
export function readTenantSettings(config: Config): TenantSettings {
  const raw = config.getOptional('kaas.tenants') ?? {};
  const markPrefix = parseOrThrow(
    dnsSubdomain.default(DEFAULT_MARK_PREFIX),
    (raw as { markPrefix?: unknown }).markPrefix,
    'kaas.tenants.markPrefix',
  );
  const schema = z.strictObject({
    namespacePrefix: z
      .string()
      .max(32, { error: 'must be at most 32 characters' })
      .regex(/^([a-z0-9][-a-z0-9]*)?$/, {
        error:
          'must be lower-case letters, digits and dashes, starting with a letter or digit, e.g. t-',
      })
      .default('t-'),
    reservedNames: z.array(z.string()).default([]),
    markPrefix: dnsSubdomain.default(DEFAULT_MARK_PREFIX),
    fieldManager: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9][-A-Za-z0-9_.:]*$/, {
        error: 'must be letters, digits, "-", "_", "." or ":"',
      })
      .default(MANAGED_BY_VALUE),
    platformNamespace: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: 'must be a namespace name (lower-case letters, digits, dashes)',
      })
      .default(DEFAULT_PLATFORM_NAMESPACE),
    allowedLabelPrefixes: keyPrefixes(markPrefix),
    allowedAnnotationPrefixes: keyPrefixes(markPrefix),
  });
  return parseOrThrow(schema, raw, 'kaas.tenants');
}

/** Reads `kaas.tenantProfiles`; at least one profile is required. @public */
export function readTenantProfiles(
  config: Config,
): Record<string, TenantProfile> {
  const raw = config.getOptional('kaas.tenantProfiles');
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TenantConfigError(
      'kaas.tenantProfiles',
      'configure at least one profile, e.g. small: { quota, limitRange, podSecurity }',
    );
  }
  const profiles: Record<string, TenantProfile> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = `kaas.tenantProfiles.${name}`;
    const nameProblem = dns1123LabelProblem(name);
    if (nameProblem) {
      throw new TenantConfigError(key, `profile name '${name}' ${nameProblem}`);
    }
    const profile = parseOrThrow(profileSchema, value, key);
    for (const problem of unknownPlaceholders(
      profile.crossplane?.parameters,
      `${key}.crossplane.parameters`,
    )) {
      throw new TenantConfigError(problem.path, problem.problem);
    }
    profiles[name] = { name, ...profile, title: profile.title ?? name };
  }
  if (Object.keys(profiles).length === 0) {
    throw new TenantConfigError(
      'kaas.tenantProfiles',
      'configure at least one profile',
    );
  }
  return profiles;
}

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

/** Reads `kaas.platformAdmins`: groups whose members may act for any owner. @public */
export function readPlatformAdmins(config: Config): string[] {
  const raw = config.getOptionalStringArray('kaas.platformAdmins') ?? [];
  return raw.map((value, i) => {
    const parsed = parseGroupRef(value);
    if (parsed.problem !== undefined) {
      throw new TenantConfigError(`kaas.platformAdmins[${i}]`, parsed.problem);
    }
    return parsed.group.ref;
  });
}

/**
 * Reads and cross-checks everything configuration says about tenants. Throws a
 * {@link TenantConfigError} naming the key to fix.
 *
 * @public
 */
export function readTenantPolicy(config: Config): TenantPolicy {
  const settings = readTenantSettings(config);
  const profiles = readTenantProfiles(config);
  const baseline = readBaseline(config, settings.markPrefix);
  const hasNetworkPolicy = baseline.some(b => b.kind === 'NetworkPolicy');
  for (const profile of Object.values(profiles)) {
    if (profile.networkPolicy === 'isolated' && !hasNetworkPolicy) {
      throw new TenantConfigError(
        `kaas.tenantProfiles.${profile.name}.networkPolicy`,
        "'isolated' applies the NetworkPolicies of kaas.baseline, and it has none; add them there or use 'none'",
      );
    }
  }
  return {
    settings,
    profiles,
    baseline,
    platformAdmins: readPlatformAdmins(config),
  };
}

/** Whether `kaas.allowServicePrincipals` lets service principals act for any owner. */
export function readAllowServicePrincipals(config: Config): boolean {
  return config.getOptionalBoolean('kaas.allowServicePrincipals') ?? false;
}
