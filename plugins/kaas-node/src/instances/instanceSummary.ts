import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  InstanceSummary,
  KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';

export type { InstanceSummary };

/** The instance whose main object `object` is, or undefined when it lacks the instance marks. */
export function instanceSummaryOf(
  object: KubernetesObject,
  cluster: string,
  capability: string,
  marks: KaasMarkKeys,
): InstanceSummary | undefined {
  const labels = object.metadata?.labels ?? {};
  const annotations = object.metadata?.annotations ?? {};
  const tenant = labels[marks.tenant];
  const name = labels[marks.instance];
  if (!tenant || !name) return undefined;
  let spec: { plan?: string; parameters?: Record<string, unknown> } = {};
  try {
    spec = JSON.parse(annotations[marks.spec] ?? '{}');
  } catch {
    // A hand-edited spec annotation; the rest of the summary still holds.
  }
  return {
    tenant,
    name,
    capability,
    plan: spec.plan ?? '',
    owner: annotations[marks.owner] ?? '',
    cluster,
    namespace: object.metadata?.namespace ?? '',
    parameters: spec.parameters ?? {},
    createdAt: object.metadata?.creationTimestamp
      ? new Date(object.metadata.creationTimestamp).toISOString()
      : '',
  };
}
