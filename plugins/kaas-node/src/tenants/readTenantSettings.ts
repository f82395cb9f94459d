import type { Config } from '@backstage/config';
import { z } from 'zod';
import {
  DEFAULT_ALLOWED_KEY_PREFIXES,
  DEFAULT_MARK_PREFIX,
  MANAGED_BY_VALUE,
  isKeyUnderDomain,
  qualifiedNameProblem,
} from '@kaas-platform/plugin-kaas-common';
import type { TenantSettings } from './tenantPolicy';
import { dnsSubdomain, parseOrThrow } from './tenantConfigError';

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
  const settings: TenantSettings = parseOrThrow(schema, raw, 'kaas.tenants');
  const ownerGroupPrefix = readOwnerGroupPrefix(config);
  return ownerGroupPrefix ? { ...settings, ownerGroupPrefix } : settings;
}

/**
 * `kaas.oidc.groupsPrefix`. A prefix under `system:` is refused: a catalog group named
 * `authenticated` would otherwise be bound as `system:authenticated`, everyone.
 */
function readOwnerGroupPrefix(config: Config): string | undefined {
  const prefix = config.getOptionalString('kaas.oidc.groupsPrefix');
  if (!prefix) return undefined;
  return parseOrThrow(
    z
      .string()
      .max(64, { error: 'must be at most 64 characters' })
      .regex(/^[^\s]+$/, { error: 'must not contain white space' })
      .refine(value => !value.startsWith('system:'), {
        error:
          "must not start with 'system:', the API server's own groups; use the prefix of your API servers' OIDC groups claim mapping, e.g. oidc:",
      }),
    prefix,
    'kaas.oidc.groupsPrefix',
  );
}
