import type {
  ConnectionRule,
  Capability,
} from '@kaas-platform/plugin-kaas-common';
import { substituteInstancePlaceholders } from './instanceTemplates';
import type { InstanceTemplateValueSet } from './instanceTemplates';

/** Where an instance's connection details are, as far as known without reading the cluster. */
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
function staticConnection(
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

/** The capability's connection rule for one instance, its placeholders filled; undefined when it declares none. */
export function instanceConnectionRule(
  capability: Capability,
  values: InstanceTemplateValueSet,
): ConnectionRule | undefined {
  return capability.connection
    ? substituteInstancePlaceholders(capability.connection, values)
    : undefined;
}

/**
 * Where an instance's connection details are: the Secret, host, port and the keys safe
 * to show. A `fromStatus` host is known once the operator reported the service in the
 * instance's status (`statusService`). Never a Secret value.
 */
export function connectionOf(
  rule: ConnectionRule | undefined,
  namespace: string,
  statusService?: string,
): StaticConnection {
  if (!rule) return { secretName: '', showKeys: [] };
  const connection = staticConnection(rule, namespace);
  if (rule.fromStatus && statusService) {
    connection.host = `${statusService}.${namespace}.svc`;
  }
  return connection;
}
