const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Returns why `name` is not a valid DNS-1123 label (what Kubernetes requires of
 * namespace names and what we require of cluster names), or undefined when it is.
 *
 * @public
 */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63)
    return `is ${name.length} characters long; the limit is 63`;
  if (name !== name.toLowerCase()) return 'must be lower case';
  if (name.startsWith('-') || name.endsWith('-')) {
    return 'must start and end with a letter or digit';
  }
  if (!DNS_1123_LABEL.test(name)) {
    return 'may contain only lower-case letters, digits and dashes';
  }
  return undefined;
}
