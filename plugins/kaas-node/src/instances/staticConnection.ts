import type { ConnectionRule } from '@internal/plugin-kaas-common';

/** Where an instance's connection details are, as far as known without reading the cluster. @public */
export interface StaticConnection {
  /** Empty when the capability declares no Secret. */
  secretName: string;
  host?: string;
  port?: number;
  /** Keys of the Secret safe to show; their names only. */
  showKeys: string[];
}

/**
 * The parts of a connection rule (placeholders already substituted) known without
 * reading the cluster: the Secret's name, `host` or `<service>.<namespace>.svc`, the port
 * and the keys safe to show. `fromStatus` needs the object's status; see the callers.
 */
export function staticConnection(
  rule: ConnectionRule,
  namespace: string,
): StaticConnection {
  let host = rule.host;
  if (rule.service) host = `${rule.service}.${namespace}.svc`;
  return {
    secretName: rule.secretName ?? '',
    ...(host ? { host } : {}),
    ...(rule.port !== undefined ? { port: rule.port } : {}),
    showKeys: [...(rule.showKeys ?? [])],
  };
}
