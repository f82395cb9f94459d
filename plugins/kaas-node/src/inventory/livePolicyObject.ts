import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * What the inventory keeps of a policy object (the home namespace, the quota, limits and
 * baseline objects) to tell drift: its labels, annotations and body as the API server
 * serves them, without status, managedFields or `kubectl apply`'s copy of the last applied
 * object, and which field managers other than the platform's wrote to it.
 */
export interface LivePolicyObject {
  /** The object as served, minus status, managedFields and last-applied-configuration. */
  body: Record<string, unknown>;
  /** Managers other than `fieldManager` that own fields outside status, sorted. */
  editedBy: string[];
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Managers of the control plane that write into objects the platform applies (not hand edits). */
const CONTROL_PLANE_MANAGERS = new Set([
  'kube-apiserver',
  'kube-controller-manager',
]);

interface ManagedFieldsEntry {
  manager?: string;
  subresource?: string;
}

export function projectLivePolicyObject(
  object: KubernetesObject,
  fieldManager: string,
): LivePolicyObject {
  const {
    apiVersion: _apiVersion,
    kind: _kind,
    status: _status,
    metadata = {},
    ...rest
  } = object as KubernetesObject & Record<string, unknown>;
  const annotations = { ...metadata.annotations };
  delete annotations[LAST_APPLIED];
  const editors = new Set<string>();
  for (const entry of (metadata.managedFields ?? []) as ManagedFieldsEntry[]) {
    const manager = entry.manager ?? '';
    if (
      manager &&
      manager !== fieldManager &&
      !entry.subresource &&
      !CONTROL_PLANE_MANAGERS.has(manager)
    ) {
      editors.add(manager);
    }
  }
  return {
    body: {
      ...rest,
      metadata: {
        labels: { ...metadata.labels },
        annotations,
      },
    },
    editedBy: [...editors].sort(),
  };
}
