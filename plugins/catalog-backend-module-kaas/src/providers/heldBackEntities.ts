import type { DeferredEntity } from '@backstage/plugin-catalog-node';

/** An entity the provider sent to the catalog, with where it came from. */
export interface EmittedEntity {
  deferred: DeferredEntity;
  /** The entity as JSON, to tell whether it changed. */
  json: string;
  /** The `kaas.clusters` entry its object lives on. */
  cluster: string;
  /** The namespace of its object (a tenant's home namespace). */
  namespace: string;
  /** The tenant's name (of an instance: its tenant's). */
  tenant: string;
  /** An instance's tenant entity ref. */
  tenantRef?: string;
}

/**
 * The entities sent earlier that are no longer seen but must stay in the catalog: those
 * of a cluster that is not in sync (unreachable, or not re-listed yet: absent there
 * does not mean deleted), and instances whose tenant stays for that reason (an instance
 * is only seen while its tenant is).
 */
export function heldBackEntities(
  emitted: ReadonlyMap<string, EmittedEntity>,
  seen: ReadonlyMap<string, EmittedEntity>,
  clusterInSync: (cluster: string) => boolean,
): Map<string, EmittedEntity> {
  const held = new Map<string, EmittedEntity>();
  const unseen = [...emitted].filter(([ref]) => !seen.has(ref));
  // Tenants first: their instances follow them.
  for (const [ref, entity] of unseen) {
    if (!entity.tenantRef && !clusterInSync(entity.cluster)) {
      held.set(ref, entity);
    }
  }
  for (const [ref, entity] of unseen) {
    if (
      entity.tenantRef &&
      (!clusterInSync(entity.cluster) || held.has(entity.tenantRef))
    ) {
      held.set(ref, entity);
    }
  }
  return held;
}
