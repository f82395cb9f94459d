import { ConflictError } from '@backstage/errors';
import YAML from 'yaml';

/**
 * The fields a user entry of a handed-out kubeconfig may have: credentials carried in
 * the file itself. Everything else (`exec`, `auth-provider`, `tokenFile`, file paths of
 * certificates) runs a command on, or reads a file from, the machine of whoever downloads
 * it, and whoever can write the Secret chooses which.
 */
const PLAIN_USER_FIELDS = new Set([
  'client-certificate-data',
  'client-key-data',
  'token',
  'username',
  'password',
]);

/**
 * Checks that `kubeconfig`, read from `where`, is a plain kubeconfig (see
 * {@link PLAIN_USER_FIELDS}) and returns its current context and that context's
 * namespace (`default` when it names none). ConflictError naming the Secret, the user
 * and the field otherwise: the platform refuses to hand it out.
 */
export function plainKubeconfigContext(
  kubeconfig: string,
  where: string,
): { context: string; namespace: string } {
  const refuse = (problem: string) =>
    new ConflictError(
      `${where} ${problem}; only plain kubeconfigs (client certificate, key or token in the file) are handed out, since anything else would run a command or read a file on your machine. Ask the platform team to check who wrote this Secret`,
    );
  let parsed: unknown;
  try {
    parsed = YAML.parse(kubeconfig);
  } catch {
    throw refuse('does not hold a readable kubeconfig (invalid YAML)');
  }
  if (!isRecord(parsed)) {
    throw refuse('does not hold a kubeconfig (not a YAML mapping)');
  }
  const users = parsed.users ?? [];
  if (!Array.isArray(users)) throw refuse("has a 'users' that is not a list");
  for (const entry of users) {
    const name = isRecord(entry) ? String(entry.name ?? '') : '';
    const user = isRecord(entry) ? entry.user ?? {} : undefined;
    if (!isRecord(user))
      throw refuse(`has a user '${name}' that is not a mapping`);
    const foreign = Object.keys(user).filter(k => !PLAIN_USER_FIELDS.has(k));
    if (foreign.length) {
      throw refuse(
        `holds a kubeconfig whose user '${name}' has ${foreign
          .map(k => `'${k}'`)
          .join(', ')}`,
      );
    }
  }
  const context =
    typeof parsed['current-context'] === 'string'
      ? parsed['current-context']
      : '';
  const contexts = Array.isArray(parsed.contexts) ? parsed.contexts : [];
  const entry = contexts.find(c => isRecord(c) && c.name === context);
  const namespace =
    isRecord(entry) && isRecord(entry.context)
      ? entry.context.namespace
      : undefined;
  return {
    context,
    namespace:
      typeof namespace === 'string' && namespace ? namespace : 'default',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
