import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';

/** A Kubernetes object as rendered for apply: identity fields are always present. @public */
export type KubernetesManifest = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string };
  [field: string]: unknown;
};

/** `Kind 'namespace/name'` or `Kind 'name'`, for messages. @public */
export function describeObject(object: {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}): string {
  const { name, namespace } = object.metadata ?? {};
  return `${object.kind} '${namespace ? `${namespace}/` : ''}${name}'`;
}
