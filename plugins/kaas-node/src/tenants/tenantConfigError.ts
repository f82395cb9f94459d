import { z } from 'zod';

/** Thrown for invalid tenant configuration; the message names the key to fix. @public */
export class TenantConfigError extends Error {
  constructor(readonly key: string, problem: string) {
    super(`Invalid tenant configuration at '${key}': ${problem}`);
    this.name = 'TenantConfigError';
  }
}

/** Matches a Kubernetes apiVersion: `v1` or `<group>/<version>`. */
export const API_VERSION =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
/** Matches a Kubernetes kind, e.g. `RoleBinding`. */
export const KIND = /^[A-Z][A-Za-z0-9]*$/;

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, { error: 'must be a lower-case DNS subdomain' });

function keyOf(base: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (key, part) =>
      typeof part === 'number' ? `${key}[${part}]` : `${key}.${String(part)}`,
    base,
  );
}

/** Parses `value`, throwing a {@link TenantConfigError} that names the first bad key. */
export function parseOrThrow<T>(
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
