import type { EmittedEntity } from './heldBackEntities';

/**
 * The entities the provider has sent to the catalog, by entity ref, indexed by tenant and
 * by the namespace of their objects: a change in a namespace concerns the tenants whose
 * entities came from there, even once their objects are gone.
 */
export class EmittedEntities {
  private readonly byRef = new Map<string, EmittedEntity>();
  private readonly byTenant = new Map<string, Set<string>>();
  /** `cluster/namespace` -> tenant -> how many of its entities came from there. */
  private readonly byNamespace = new Map<string, Map<string, number>>();

  constructor(entities: ReadonlyMap<string, EmittedEntity> = new Map()) {
    for (const [ref, entity] of entities) this.add(ref, entity);
  }

  get(ref: string): EmittedEntity | undefined {
    return this.byRef.get(ref);
  }

  /** Every entity sent, by entity ref (a copy). */
  all(): Map<string, EmittedEntity> {
    return new Map(this.byRef);
  }

  /** The entities sent of `tenants` (each tenant's own and its instances'). */
  ofTenants(tenants: Iterable<string>): Map<string, EmittedEntity> {
    const found = new Map<string, EmittedEntity>();
    for (const tenant of tenants) {
      for (const ref of this.byTenant.get(tenant) ?? []) {
        found.set(ref, this.byRef.get(ref)!);
      }
    }
    return found;
  }

  /** The tenants with an entity sent from an object in `namespace` of `cluster`. */
  tenantsIn(cluster: string, namespace: string): string[] {
    return [...(this.byNamespace.get(`${cluster}/${namespace}`)?.keys() ?? [])];
  }

  /** Forgets the entities `refs` and records `entities` instead. */
  replace(
    refs: Iterable<string>,
    entities: ReadonlyMap<string, EmittedEntity>,
  ): void {
    for (const ref of [...refs]) this.remove(ref);
    for (const [ref, entity] of entities) {
      this.remove(ref);
      this.add(ref, entity);
    }
  }

  private add(ref: string, entity: EmittedEntity) {
    this.byRef.set(ref, entity);
    const refs = this.byTenant.get(entity.tenant) ?? new Set<string>();
    refs.add(ref);
    this.byTenant.set(entity.tenant, refs);
    const key = `${entity.cluster}/${entity.namespace}`;
    const tenants = this.byNamespace.get(key) ?? new Map<string, number>();
    tenants.set(entity.tenant, (tenants.get(entity.tenant) ?? 0) + 1);
    this.byNamespace.set(key, tenants);
  }

  private remove(ref: string) {
    const entity = this.byRef.get(ref);
    if (!entity) return;
    this.byRef.delete(ref);
    const refs = this.byTenant.get(entity.tenant);
    refs?.delete(ref);
    if (refs && !refs.size) this.byTenant.delete(entity.tenant);
    const key = `${entity.cluster}/${entity.namespace}`;
    const tenants = this.byNamespace.get(key);
    const count = (tenants?.get(entity.tenant) ?? 0) - 1;
    if (count > 0) tenants!.set(entity.tenant, count);
    else tenants?.delete(entity.tenant);
    if (tenants && !tenants.size) this.byNamespace.delete(key);
  }
}
