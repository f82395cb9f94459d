import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  tenantEntityRef,
  type InstanceSummary,
  type TenantSummary,
} from '@kaas-platform/plugin-kaas-common';
import type {
  KaasInventory,
  KaasInventoryEvent,
} from '@kaas-platform/plugin-kaas-node';
import { EmittedEntities } from './EmittedEntities';
import { heldBackEntities, type EmittedEntity } from './heldBackEntities';
import {
  instanceEntity,
  kaasClusterLocation,
  tenantEntity,
} from './kaasEntities';

/** Options of {@link KaasEntityProvider}. @public */
export interface KaasEntityProviderOptions {
  inventory: KaasInventory;
  /** `kaas.tenants.markPrefix`: the prefix of the platform's annotation keys. */
  markPrefix: string;
  /** `app.baseUrl`, for the links to the tenant and instance pages. */
  appBaseUrl: string;
  logger: LoggerService;
  /** Changes seen within this many milliseconds go to the catalog as one delta. Default 100. */
  batchMs?: number;
  /**
   * Has {@link KaasEntityProvider.fullSync} run once across the backend's replicas (the
   * catalog module runs it as a global scheduled task): called when this process needs a
   * full mutation, once ready and after every re-list. Without it, the process sends its
   * full mutations itself, as a single backend may.
   */
  requestFullSync?: () => void;
  /**
   * How long {@link KaasEntityProvider.fullSync} waits before it reads the inventory, so
   * that a change another replica has already sent to the catalog has reached this
   * process's watches too. Default 1000.
   */
  fullSyncSettleMs?: number;
}

/**
 * Puts the clusters' tenants and XaaS instances into the catalog, as the inventory (list
 * + watch) sees them: a delta for the changes of each ~100 ms, and a full mutation once
 * every cluster has listed and again after every re-list (watch expired, API server
 * restarted), which also removes what was deleted meanwhile.
 *
 * A delta rebuilds only the entities of the tenants a change may concern (the inventory
 * names them; the provider adds those it sent from the same namespace, for deletions):
 * with 10,000 tenants a change costs one tenant's entities, and pods, events and policy
 * objects, which no entity is made of, cost nothing.
 *
 * With several backend replicas every one sends deltas (the same change gives the same
 * entities, so they agree), while full mutations, which delete, are sent by one replica at
 * a time through `requestFullSync`; a re-list then sends a delta against what this process
 * sent before, which removes what it saw go.
 *
 * One cluster that cannot be reached stops nothing: the others' changes keep flowing as
 * deltas, and only its own deletions wait. Until it has listed everything again, its
 * entities are carried over from what was sent last (deltas never remove them, full
 * mutations include them). Before every cluster has listed once there is no full
 * mutation at all, since what the catalog holds of a cluster never listed is unknown.
 *
 * @public
 */
export class KaasEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private fullPending = false;
  /** Every entity is rebuilt at the next flush (a re-list, or before the first full mutation). */
  private allDirty = true;
  /** Tenants (by name) whose entities the next flush rebuilds. */
  private dirty = new Set<string>();
  private ready = false;
  private emitted = new EmittedEntities();
  private queue: Promise<void> = Promise.resolve();
  /** Objects left out, by key: each is logged once while it stays left out. */
  private skipped = new Set<string>();
  private stopped = false;

  constructor(private readonly options: KaasEntityProviderOptions) {}

  getProviderName(): string {
    return 'kaas';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    this.unsubscribe = this.options.inventory.subscribe(event =>
      this.changed(event),
    );
    // The catalog starts without waiting for the clusters.
    this.options.inventory.ready().then(() => {
      this.ready = true;
      this.needFull();
    });
  }

  /**
   * Sends a full mutation of every tenant and instance the inventory holds, which also
   * removes from the catalog what the clusters no longer have (entities of tenants deleted
   * while no backend ran). Waits until the inventory is ready; sends nothing before every
   * cluster has listed once.
   */
  async fullSync(signal?: AbortSignal): Promise<void> {
    const { inventory, fullSyncSettleMs = 1000 } = this.options;
    await abortable(inventory.ready(), signal);
    await abortable(
      new Promise(resolve => setTimeout(resolve, fullSyncSettleMs)),
      signal,
    );
    // Not every cluster has listed: the resync of the last list asks again.
    if (!this.connection || this.stopped || !inventory.synced()) return;
    this.allDirty = true;
    this.fullPending = true;
    await this.enqueueFlush();
  }

  /** Stops following the inventory. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
  }

  /** Resolves once the mutations scheduled so far have been applied (for tests). */
  async settled(): Promise<void> {
    while (this.timer) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    await this.queue;
  }

  private changed(event: KaasInventoryEvent) {
    if (event.type === 'resync') {
      this.needFull();
      return;
    }
    // Pods, events, quotas and policy objects change statuses, not entities.
    if (!event.summaries) return;
    const concerned = new Set(event.tenants ?? []);
    if (event.cluster !== undefined && event.namespace !== undefined) {
      for (const tenant of this.emitted.tenantsIn(
        event.cluster,
        event.namespace,
      )) {
        concerned.add(tenant);
      }
    }
    if (!concerned.size) return;
    for (const tenant of concerned) this.dirty.add(tenant);
    this.schedule(false);
  }

  /** Every entity again; the deletions a full mutation makes, by whoever runs it. */
  private needFull() {
    this.allDirty = true;
    const { requestFullSync } = this.options;
    if (!requestFullSync) {
      this.schedule(true);
      return;
    }
    this.schedule(false);
    // A full mutation waits for every cluster's list; the last one's resync asks.
    if (this.ready && this.options.inventory.synced()) requestFullSync();
  }

  private schedule(full: boolean) {
    if (this.stopped) return;
    this.fullPending ||= full;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueueFlush().catch(() => undefined);
    }, this.options.batchMs ?? 100);
  }

  /** Flushes after what is queued; logs a failure, and rejects with it. */
  private enqueueFlush(): Promise<void> {
    const flushed = this.queue.then(() =>
      this.flush().catch(error => {
        this.options.logger.error(
          `kaas entity provider could not update the catalog: ${error}`,
        );
        throw error;
      }),
    );
    this.queue = flushed.catch(() => undefined);
    return flushed;
  }

  private async flush(): Promise<void> {
    const { connection } = this;
    if (!connection || !this.ready || this.stopped) return;
    const { inventory } = this.options;
    const outOfSync = inventory.clustersOutOfSync();
    const inSync = (cluster: string) => !outOfSync.includes(cluster);
    const all = this.allDirty;
    const tenants = [...this.dirty];
    this.allDirty = false;
    this.dirty = new Set();

    const previous = all ? this.emitted.all() : this.emitted.ofTenants(tenants);
    const seen = all ? this.entities() : this.entitiesOf(tenants);
    const entities = new Map([
      ...seen,
      ...heldBackEntities(previous, seen, inSync),
    ]);
    // A full mutation deletes whatever it does not name: only once every cluster has
    // listed (until then the catalog may hold entities this process never saw). The
    // resync of the last list brings us back here.
    const full = all && this.fullPending && inventory.synced();
    try {
      if (full) {
        this.fullPending = false;
        await connection.applyMutation({
          type: 'full',
          entities: [...entities.values()].map(e => e.deferred),
        });
        this.emitted = new EmittedEntities(entities);
        this.options.logger.info(
          `kaas entity provider sent a full mutation of ${entities.size} entities`,
        );
        return;
      }
      const added = [...entities]
        .filter(([ref, e]) => this.emitted.get(ref)?.json !== e.json)
        .map(([, e]) => e.deferred);
      const removed = [...previous]
        .filter(([ref]) => !entities.has(ref))
        .map(([ref, e]) => ({
          entityRef: ref,
          locationKey: e.deferred.locationKey,
        }));
      if (!added.length && !removed.length) return;
      await connection.applyMutation({ type: 'delta', added, removed });
      if (all) this.emitted = new EmittedEntities(entities);
      else this.emitted.replace(previous.keys(), entities);
    } catch (error) {
      // Nothing was sent: the same entities are rebuilt next time, a full one as full.
      if (all) this.allDirty = true;
      if (full) this.fullPending = true;
      for (const tenant of tenants) this.dirty.add(tenant);
      throw error;
    }
  }

  /** Every tenant's and instance's entity, by entity ref. */
  private entities(): Map<string, EmittedEntity> {
    const { inventory } = this.options;
    const entities = new Map<string, EmittedEntity>();
    const skipped = this.skipped;
    this.skipped = new Set();
    for (const tenant of inventory.tenants()) {
      this.addTenant(entities, tenant, skipped);
    }
    for (const instance of inventory.instances()) {
      this.addInstance(entities, instance, skipped);
    }
    return entities;
  }

  /** The entities of `tenants` (each tenant's and its instances'), by entity ref. */
  private entitiesOf(tenants: string[]): Map<string, EmittedEntity> {
    const { inventory } = this.options;
    const entities = new Map<string, EmittedEntity>();
    const skipped = this.skipped;
    for (const name of tenants) {
      for (const key of [...skipped]) {
        if (key === `tenant ${name}` || key.startsWith(`instance ${name}/`)) {
          this.skipped.delete(key);
        }
      }
      const tenant = inventory.tenant(name);
      if (!tenant) continue;
      if (!this.addTenant(entities, tenant, skipped)) continue;
      for (const instance of inventory.instances(name)) {
        this.addInstance(entities, instance, skipped);
      }
    }
    return entities;
  }

  /** Adds the tenant's entity; false when it is left out. */
  private addTenant(
    entities: Map<string, EmittedEntity>,
    tenant: TenantSummary,
    skipped: Set<string>,
  ): boolean {
    if (!tenant.owner) {
      this.skip(
        skipped,
        `tenant ${tenant.name}`,
        `Tenant '${tenant.name}' has no owner annotation on its namespace '${tenant.namespace}'; it is left out of the catalog`,
      );
      return false;
    }
    add(entities, tenantEntity(tenant, this.options), {
      cluster: tenant.cluster,
      namespace: tenant.namespace,
      tenant: tenant.name,
    });
    return true;
  }

  private addInstance(
    entities: Map<string, EmittedEntity>,
    instance: InstanceSummary,
    skipped: Set<string>,
  ) {
    const entity = instanceEntity(instance, this.options);
    if (!entity) {
      this.skip(
        skipped,
        `instance ${instance.tenant}/${instance.name}`,
        `Instance '${instance.name}' of tenant '${instance.tenant}' is left out of the catalog: its entity name '${instance.tenant}.${instance.name}' is longer than 63 characters`,
      );
      return;
    }
    add(entities, entity, {
      cluster: instance.cluster,
      namespace: instance.namespace,
      tenant: instance.tenant,
      tenantRef: tenantEntityRef(instance.tenant),
    });
  }

  private skip(skipped: Set<string>, key: string, message: string) {
    if (!skipped.has(key)) this.options.logger.warn(message);
    this.skipped.add(key);
  }
}

/** `promise`, or a rejection once `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function add(
  entities: Map<string, EmittedEntity>,
  entity: Entity,
  from: Omit<EmittedEntity, 'deferred' | 'json'>,
) {
  entities.set(stringifyEntityRef(entity), {
    deferred: { entity, locationKey: kaasClusterLocation(from.cluster) },
    json: JSON.stringify(entity),
    ...from,
  });
}
