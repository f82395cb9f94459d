const DNS_1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Annotation values above this size are refused (Kubernetes allows 256 KiB for all of them together). @public */
export const MAX_ANNOTATION_VALUE_BYTES = 4096;

/**
 * Why `key` is not a Kubernetes qualified name (the syntax of label and annotation keys:
 * an optional DNS subdomain prefix of up to 253 characters and `/`, then a name of up to
 * 63 characters), or undefined when it is one.
 *
 * @public
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'may contain at most one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (prefix.length === 0) return 'has an empty prefix before "/"';
    if (prefix.length > 253) {
      return `has a prefix of ${prefix.length} characters; the limit is 253`;
    }
    if (!DNS_1123_SUBDOMAIN.test(prefix)) {
      return 'has a prefix that is not a lower-case DNS subdomain (e.g. example.com)';
    }
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) {
    return `has a name of ${name.length} characters; the limit is 63`;
  }
  if (!QUALIFIED_NAME_PART.test(name)) {
    return 'must consist of letters, digits, "-", "_" or "." and start and end with a letter or digit';
  }
  return undefined;
}

/** The DNS prefix of a qualified key (`example.com` of `example.com/team`), if any. @public */
export function qualifiedNamePrefix(key: string): string | undefined {
  const slash = key.indexOf('/');
  return slash < 0 ? undefined : key.slice(0, slash);
}

/**
 * True when `key`'s prefix is `domain` or a subdomain of it, e.g. `pod-security.kubernetes.io/enforce`
 * is under `kubernetes.io`.
 *
 * @public
 */
export function isKeyUnderDomain(key: string, domain: string): boolean {
  const prefix = qualifiedNamePrefix(key);
  return (
    prefix !== undefined && (prefix === domain || prefix.endsWith(`.${domain}`))
  );
}

/** Why `value` is not a valid label value, or undefined when it is one. @public */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) {
    return `is ${value.length} characters long; the limit is 63`;
  }
  if (!LABEL_VALUE.test(value)) {
    return 'must be empty or consist of letters, digits, "-", "_" or "." and start and end with a letter or digit';
  }
  return undefined;
}

/** Why `value` is not an acceptable annotation value, or undefined when it is one. @public */
export function annotationValueProblem(value: string): string | undefined {
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > MAX_ANNOTATION_VALUE_BYTES) {
    return `is ${bytes} bytes long; the limit is ${MAX_ANNOTATION_VALUE_BYTES}`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return 'must not contain control characters such as line breaks';
  }
  return undefined;
}
