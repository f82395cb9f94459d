import type {
  DriftedObject,
  KaasMarkKeys,
  TenantDrift,
  TenantRequest,
} from '@kaas-platform/plugin-kaas-common';
import { fieldDifferences } from '../tenants/fieldDifferences';
import { describeObject } from '../tenants/kubernetesManifest';
import { renderTenant } from '../tenants/renderTenant';
import type { TenantPolicy } from '../tenants/tenantPolicy';
import type { ClusterWatches } from './ClusterWatches';
import type { NamespaceProjection } from './objectProjections';

/**
 * How long after its home namespace appears a tenant's objects may still be on their
 * way (the apply writes the namespace first): none of them counts as deleted before.
 */
export const DRIFT_GRACE_MS = 15_000;

/**
 * Compares a tenant's live policy objects, as the inventory keeps them, with what
 * today's policy renders for the tenant's recorded request. Only fields the policy sets
 * count; objects of kinds the inventory does not keep (Cluster API objects, which their
 * controllers own) are not compared.
 */
export function tenantDriftOf(options: {
  home: NamespaceProjection;
  watches: ClusterWatches;
  policy: TenantPolicy;
  marks: KaasMarkKeys;
  now?: number;
}): TenantDrift {
  const { home, watches, policy, marks } = options;
  const { summary } = home;
  const notJudged = (message: string): TenantDrift => ({
    type: 'Drifted',
    status: 'Unknown',
    reason: 'NotJudged',
    message,
    objects: [],
  });
  if (home.terminating) return notJudged('The tenant is being deleted');
  let recorded: Partial<TenantRequest> = {};
  try {
    const annotations = home.live.body.metadata as {
      annotations?: Record<string, string>;
    };
    recorded = JSON.parse(annotations.annotations?.[marks.spec] ?? '{}');
  } catch {
    // A hand-edited request annotation is itself drift, found below.
  }
  let manifests;
  try {
    manifests = renderTenant(
      {
        ...recorded,
        name: summary.name,
        owner: summary.owner,
        isolation: summary.isolation,
        profile: summary.profile || recorded.profile || '',
      },
      policy,
      summary.cluster,
    ).manifests;
  } catch (error) {
    return notJudged(
      `Today's policy cannot render this tenant: ${(error as Error).message}`,
    );
  }
  const settled =
    (options.now ?? Date.now()) - new Date(summary.createdAt).getTime() >
    DRIFT_GRACE_MS;
  const objects: DriftedObject[] = [];
  for (const manifest of manifests) {
    const live =
      manifest.kind === 'Namespace'
        ? home.live
        : watches.livePolicyObject(
            manifest.apiVersion,
            manifest.kind,
            manifest.metadata.namespace ?? '',
            manifest.metadata.name,
          );
    if (live === null) continue;
    const object = describeObject(manifest);
    if (live === undefined) {
      if (settled) {
        objects.push({ object, state: 'deleted', fields: [], editedBy: [] });
      }
      continue;
    }
    const fields = fieldDifferences(live.body, manifest);
    if (fields.length) {
      objects.push({
        object,
        state: 'changed',
        fields: fields.map(f => ({
          path: f.path,
          ...(f.from !== undefined ? { live: f.from } : {}),
          policy: f.to,
        })),
        editedBy: live.editedBy,
      });
    }
  }
  if (!objects.length) {
    return {
      type: 'Drifted',
      status: 'False',
      reason: 'AsRendered',
      message: "Every policy object is as today's policy renders it",
      objects,
    };
  }
  const byHand = objects.some(
    o => o.state === 'deleted' || o.editedBy.length > 0,
  );
  return {
    type: 'Drifted',
    status: 'True',
    reason: byHand ? 'EditedByHand' : 'PolicyChanged',
    message: objects.map(describeDrift).join('; '),
    objects,
  };
}

function describeDrift(drifted: DriftedObject): string {
  if (drifted.state === 'deleted') return `${drifted.object} was deleted`;
  const by = drifted.editedBy.length
    ? ` by ${drifted.editedBy.join(', ')}`
    : ' (the policy changed since it was applied)';
  return `${drifted.object} was changed${by}: ${drifted.fields
    .map(
      f => `${f.path} is ${f.live ?? '(not set)'}, the policy says ${f.policy}`,
    )
    .join(', ')}`;
}
