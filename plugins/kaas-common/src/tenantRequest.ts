import { z } from 'zod';
import { dns1123LabelProblem } from './clusterName';
import { parseGroupRef } from './groupRef';
import {
  annotationValueProblem,
  isKeyUnderDomain,
  labelValueProblem,
  qualifiedNameProblem,
} from './kubernetesKeys';
import { DEFAULT_MARK_PREFIX } from './labels';

/** How strongly a tenant is isolated (DESIGN.md section 2). @public */
export const TENANT_ISOLATIONS = ['namespace', 'vcluster', 'cluster'] as const;

/** @public */
export type TenantIsolation = (typeof TENANT_ISOLATIONS)[number];

/** How tenant names become namespace names, from `kaas.tenants`. @public */
export interface TenantNamingRules {
  /** Put in front of the tenant name to form the home namespace, e.g. `t-`. */
  namespacePrefix: string;
  /** Names refused in addition to the built-in ones ({@link BUILT_IN_RESERVED_NAMES}, `kube-*`). */
  reservedNames: string[];
  /** The platform's own namespace on every cluster; no tenant's home namespace may take it. */
  platformNamespace?: string;
}

/**
 * Suffix of the per-tenant namespace that holds the XaaS instances of a vcluster or
 * cluster tenant (`<home namespace>-xaas`). No tenant name ends in it, so no home
 * namespace can be another tenant's instance namespace.
 *
 * @public
 */
export const INSTANCE_NAMESPACE_SUFFIX = '-xaas';

/**
 * Default of `kaas.tenants.allowedLabelPrefixes` and `allowedAnnotationPrefixes`: the key
 * prefixes a tenant request may set on its namespace. `example.com` is reserved for
 * documentation, so the default lets examples run and opens no add-on's keys (such as
 * `istio.io/rev`); an adopter lists its own domains.
 *
 * @public
 */
export const DEFAULT_ALLOWED_KEY_PREFIXES: readonly string[] = ['example.com/'];

/** A validated, normalised tenant request. @public */
export interface TenantRequest {
  /** DNS-1123 label; the home namespace is the prefix plus this name. */
  name: string;
  /** Full ref of the owning group, e.g. `group:default/team-a`. */
  owner: string;
  isolation: TenantIsolation;
  /** One of the configured `kaas.tenantProfiles`. */
  profile: string;
  /** One of the configured `kaas.clusters`; chosen by role when absent. */
  cluster?: string;
  description?: string;
  /** Extra labels of the home namespace. */
  labels?: Record<string, string>;
  /** Extra annotations of the home namespace. */
  annotations?: Record<string, string>;
  /**
   * Kubernetes version of a virtual or dedicated cluster tenant (`1.34.1`); the
   * profile's when absent. It changes one minor version at a time and never downwards.
   */
  kubernetesVersion?: string;
}

/** Namespace names no tenant may take, whatever the configuration says. @public */
export const BUILT_IN_RESERVED_NAMES = [
  'default',
  'kaas-system',
  'kube-system',
  'kube-public',
  'kube-node-lease',
] as const;

/** Key domains a request may never set: Kubernetes' own (Pod Security labels among them). */
const FORBIDDEN_KEY_DOMAINS = ['kubernetes.io', 'k8s.io'];

/** Longest accepted tenant description. @public */
export const MAX_DESCRIPTION_LENGTH = 300;
const MAX_EXTRA_KEYS = 32;

/** The home namespace of tenant `name`. @public */
export function tenantNamespaceName(
  name: string,
  rules: TenantNamingRules,
): string {
  return `${rules.namespacePrefix}${name}`;
}

/**
 * Why `name` may not be used as a tenant name under `rules`, or undefined when it may.
 * Checks the DNS-1123 syntax, the length of the final namespace name and reserved names.
 *
 * @public
 */
export function tenantNameProblem(
  name: string,
  rules: TenantNamingRules,
): string | undefined {
  const namespace = tenantNamespaceName(name, rules);
  const maxLength = 63 - rules.namespacePrefix.length;
  if (name.length > maxLength) {
    return `'${name}' is ${name.length} characters long; with the namespace prefix '${rules.namespacePrefix}' the limit is ${maxLength}`;
  }
  const problem = dns1123LabelProblem(name);
  if (problem) {
    return `'${name}' ${problem}; use lower-case letters, digits and dashes, e.g. 'team-a-dev'`;
  }
  const reserved = new Set<string>([
    ...BUILT_IN_RESERVED_NAMES,
    ...rules.reservedNames,
  ]);
  for (const candidate of new Set([name, namespace])) {
    if (reserved.has(candidate) || candidate.startsWith('kube-')) {
      return `'${candidate}' is reserved; choose another name`;
    }
  }
  if (name.endsWith(INSTANCE_NAMESPACE_SUFFIX)) {
    return `'${name}' ends in '${INSTANCE_NAMESPACE_SUFFIX}', which the platform uses for the namespaces of another tenant's XaaS instances; choose a name that does not end in it`;
  }
  if (namespace === rules.platformNamespace) {
    return `'${namespace}' is the platform's own namespace; choose another name`;
  }
  return undefined;
}

/** Which label or annotation keys a request may set: those starting with one of `allowed`. */
interface KeyRules {
  what: 'label' | 'annotation';
  markPrefix: string;
  allowed: readonly string[];
}

function keyProblem(key: string, rules: KeyRules): string | undefined {
  const syntax = qualifiedNameProblem(key);
  if (syntax) return `key '${key}' ${syntax}`;
  const suggestion = `${rules.allowed[0] ?? 'example.com/'}${key.slice(
    key.indexOf('/') + 1,
  )}`;
  for (const domain of [rules.markPrefix, ...FORBIDDEN_KEY_DOMAINS]) {
    if (isKeyUnderDomain(key, domain)) {
      return `key '${key}' is under '${domain}/', which only the platform sets; use your own prefix, e.g. ${suggestion}`;
    }
  }
  if (!rules.allowed.some(prefix => key.startsWith(prefix))) {
    const setting = `kaas.tenants.allowed${
      rules.what === 'label' ? 'Label' : 'Annotation'
    }Prefixes`;
    if (!rules.allowed.length) {
      return `key '${key}' may not be set: this platform allows tenants no extra ${rules.what}s (${setting}); leave them out`;
    }
    const allowed = rules.allowed.map(p => `'${p}'`).join(', ');
    return `key '${key}' may not be set by a tenant; use a key starting with ${allowed}, e.g. ${suggestion} (the platform team can allow more in ${setting})`;
  }
  return undefined;
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => Number(a > b) - Number(a < b)),
  );
}

function metadataSchema(
  rules: KeyRules,
  valueProblem: (value: string) => string | undefined,
) {
  const { what } = rules;
  return z
    .record(
      z.string(),
      z.string({ error: `every ${what} value must be a string` }),
      {
        error: `must be a map of ${what} keys to string values`,
      },
    )
    .superRefine((record, ctx) => {
      const entries = Object.entries(record);
      if (entries.length > MAX_EXTRA_KEYS) {
        ctx.addIssue({
          code: 'custom',
          message: `has ${entries.length} ${what}s; the limit is ${MAX_EXTRA_KEYS}`,
        });
      }
      for (const [key, value] of entries) {
        const problem =
          keyProblem(key, rules) ??
          (valueProblem(value)
            ? `value of '${key}' ${valueProblem(value)}`
            : undefined);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem, path: [key] });
        }
      }
    })
    .transform(sortedRecord);
}

/**
 * The schema of a tenant request under the configured rules: validates AND normalises
 * (the owner becomes a full group ref, labels and annotations are sorted). Unknown fields
 * are refused. Every message says what to change.
 *
 * @public
 */
export function tenantRequestSchema(ctx: {
  rules: TenantNamingRules;
  profiles: string[];
  clusters: string[];
  /** Prefix of the platform's own mark keys, refused in extra labels and annotations. */
  markPrefix?: string;
  /** Prefixes of the label keys a request may set; default {@link DEFAULT_ALLOWED_KEY_PREFIXES}. */
  allowedLabelPrefixes?: readonly string[];
  /** Prefixes of the annotation keys a request may set; default {@link DEFAULT_ALLOWED_KEY_PREFIXES}. */
  allowedAnnotationPrefixes?: readonly string[];
}): z.ZodType<TenantRequest> {
  const markPrefix = ctx.markPrefix ?? DEFAULT_MARK_PREFIX;
  const oneOf = (values: string[]) =>
    values.length ? values.join(', ') : '(none configured)';
  return z
    .strictObject({
      name: z
        .string({ error: 'is required: a DNS-1123 label, e.g. team-a-dev' })
        .superRefine((name, c) => {
          const problem = tenantNameProblem(name, ctx.rules);
          if (problem) c.addIssue({ code: 'custom', message: problem });
        }),
      owner: z
        .string({ error: 'is required: a group, e.g. group:default/team-a' })
        .transform((owner, c) => {
          const parsed = parseGroupRef(owner);
          if (parsed.problem !== undefined) {
            c.addIssue({ code: 'custom', message: parsed.problem });
            return z.NEVER;
          }
          return parsed.group.ref;
        }),
      isolation: z.enum(TENANT_ISOLATIONS, {
        error: `must be one of: ${TENANT_ISOLATIONS.join(', ')}`,
      }),
      profile: z
        .string({ error: `is required; choose one of: ${oneOf(ctx.profiles)}` })
        .refine(p => ctx.profiles.includes(p), {
          error: iss =>
            `'${iss.input}' is not a tenant profile; choose one of: ${oneOf(
              ctx.profiles,
            )}`,
        }),
      cluster: z
        .string({
          error: `must be a cluster name: one of ${oneOf(ctx.clusters)}`,
        })
        .refine(c => ctx.clusters.includes(c), {
          error: iss =>
            `'${iss.input}' is not a configured cluster; choose one of: ${oneOf(
              ctx.clusters,
            )}`,
        })
        .optional(),
      description: z
        .string({ error: 'must be text' })
        .max(MAX_DESCRIPTION_LENGTH, {
          error: iss =>
            `is ${
              String(iss.input).length
            } characters long; the limit is ${MAX_DESCRIPTION_LENGTH}`,
        })
        // eslint-disable-next-line no-control-regex
        .refine(d => !/[\u0000-\u001f\u007f]/.test(d), {
          error: 'must be a single line without control characters',
        })
        .optional(),
      labels: metadataSchema(
        {
          what: 'label',
          markPrefix,
          allowed: ctx.allowedLabelPrefixes ?? DEFAULT_ALLOWED_KEY_PREFIXES,
        },
        labelValueProblem,
      ).optional(),
      annotations: metadataSchema(
        {
          what: 'annotation',
          markPrefix,
          allowed:
            ctx.allowedAnnotationPrefixes ?? DEFAULT_ALLOWED_KEY_PREFIXES,
        },
        annotationValueProblem,
      ).optional(),
      kubernetesVersion: z
        .string({ error: 'must be a Kubernetes version, e.g. 1.34.1' })
        .regex(/^v?\d+\.\d+\.\d+$/, {
          error: 'must be a Kubernetes version major.minor.patch, e.g. 1.34.1',
        })
        .optional(),
    })
    .superRefine((request, c) => {
      if (request.kubernetesVersion && request.isolation === 'namespace') {
        c.addIssue({
          code: 'custom',
          path: ['kubernetesVersion'],
          message:
            "a namespace tenant runs on its cluster's version; only vcluster and cluster tenants choose one",
        });
      }
    })
    .transform(request => request as TenantRequest);
}

/**
 * One line per problem of a failed tenant request parse, each naming the field,
 * e.g. `name: 'Foo' must be lower case; ...`.
 *
 * @public
 */
export function describeTenantRequestIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('\n');
}
