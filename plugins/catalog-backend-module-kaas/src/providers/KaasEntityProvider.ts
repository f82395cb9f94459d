import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { tenantEntityRef } from '@internal/plugin-kaas-common';
import type { KaasInventory } from '@internal/plugin-kaas-node';
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
}

/**
 * Puts the clusters' tenants and XaaS instances into the catalog, as the inventory (list
 * + watch) sees them: a delta for the changes of each ~100 ms, and a full mutation once
 * every cluster has listed and again after every re-list (watch expired, API server
 * restarted), which also removes what was deleted meanwhile.
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
  private ready = false;
  private emitted = new Map<string, EmittedEntity>();
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
      this.schedule(event.type === 'resync'),
    );
    // The catalog starts without waiting for the clusters.
    this.options.inventory.ready().then(() => {
      this.ready = true;
      this.schedule(true);
    });
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

  private schedule(full: boolean) {
    if (this.stopped) return;
    this.fullPending ||= full;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.queue = this.queue.then(() =>
        this.flush().catch(error =>
          this.options.logger.error(
            `kaas entity provider could not update the catalog: ${error}`,
          ),
        ),
      );
    }, this.options.batchMs ?? 100);
  }

  private async flush(): Promise<void> {
    const { connection } = this;
    if (!connection || !this.ready || this.stopped) return;
    const { inventory } = this.options;
    const seen = this.entities();
    const outOfSync = inventory.clustersOutOfSync();
    const entities = new Map([
      ...seen,
      ...heldBackEntities(
        this.emitted,
        seen,
        cluster => !outOfSync.includes(cluster),
      ),
    ]);
    // A full mutation deletes whatever it does not name: only once every cluster has
    // listed (until then the catalog may hold entities this process never saw). The
    // resync of the last list brings us back here.
    if (this.fullPending && inventory.synced()) {
      this.fullPending = false;
      await connection.applyMutation({
        type: 'full',
        entities: [...entities.values()].map(e => e.deferred),
      });
      this.emitted = entities;
      return;
    }
    const added = [...entities]
      .filter(([ref, e]) => this.emitted.get(ref)?.json !== e.json)
      .map(([, e]) => e.deferred);
    const removed = [...this.emitted]
      .filter(([ref]) => !entities.has(ref))
      .map(([ref, e]) => ({
        entityRef: ref,
        locationKey: e.deferred.locationKey,
      }));
    if (!added.length && !removed.length) return;
    await connection.applyMutation({ type: 'delta', added, removed });
    this.emitted = entities;
  }

  /** Every tenant's and instance's entity, by entity ref. */
  private entities(): Map<string, EmittedEntity> {
    const { inventory } = this.options;
    const entities = new Map<string, EmittedEntity>();
    const skipped = this.skipped;
    this.skipped = new Set();
    const add = (entity: Entity, cluster: string, tenantRef?: string) => {
      const ref = stringifyEntityRef(entity);
      entities.set(ref, {
        deferred: { entity, locationKey: kaasClusterLocation(cluster) },
        json: JSON.stringify(entity),
        cluster,
        ...(tenantRef ? { tenantRef } : {}),
      });
    };
    const skip = (key: string, message: string) => {
      if (!skipped.has(key)) this.options.logger.warn(message);
      this.skipped.add(key);
    };
    for (const tenant of inventory.tenants()) {
      if (!tenant.owner) {
        skip(
          `tenant ${tenant.name}`,
          `Tenant '${tenant.name}' has no owner annotation on its namespace '${tenant.namespace}'; it is left out of the catalog`,
        );
        continue;
      }
      const description = inventory.tenantStatus(tenant.name)?.description;
      add(
        tenantEntity({ ...tenant, description }, this.options),
        tenant.cluster,
      );
    }
    for (const instance of inventory.instances()) {
      const entity = instanceEntity(instance, this.options);
      if (!entity) {
        skip(
          `instance ${instance.tenant}/${instance.name}`,
          `Instance '${instance.name}' of tenant '${instance.tenant}' is left out of the catalog: its entity name '${instance.tenant}.${instance.name}' is longer than 63 characters`,
        );
        continue;
      }
      add(entity, instance.cluster, tenantEntityRef(instance.tenant));
    }
    return entities;
  }
}
