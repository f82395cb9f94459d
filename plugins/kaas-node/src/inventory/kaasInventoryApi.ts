import type {
  InstanceStatus,
  TenantStatus,
} from '@kaas-platform/plugin-kaas-common';
import type { TenantSummary } from '../tenants/tenantSummary';
import type { InventoryRequestCounts } from './requestCounter';

/** What {@link KaasInventory.subscribe} listeners are told. @public */
export interface KaasInventoryEvent {
  /** `change`: an object changed; `resync`: a watch listed everything afresh. */
  type: 'change' | 'resync';
  /** Of a change: the cluster and namespace of the object (a namespace's own name for a namespace). */
  cluster?: string;
  namespace?: string;
  /**
   * Of a change: the summary it may have changed, a tenant's (its home namespace) or an
   * instance's (its main object). Absent for every other kind (pods, events, quotas,
   * policy objects), which change statuses only.
   */
  summaries?: 'tenant' | 'instance';
  /**
   * Of a change of a summary: the tenants whose summary or instances it concerns, as far
   * as they are still seen (a deleted object's tenant is no longer known here).
   */
  tenants?: string[];
}

/**
 * The backend's informer cache of tenants and instances (docs/tenant-pages-contracts.md,
 * "Inventory"). Answers from memory, without calling an API server.
 *
 * @public
 */
export interface KaasInventory {
  /** Resolves once every watch has listed once (or failed its first list, which is logged). */
  ready(): Promise<void>;
  /**
   * Whether every watch has listed successfully at least once. Until then an absent
   * tenant may just not have been seen yet (a cluster that cannot be reached).
   */
  synced(): boolean;
  /**
   * The clusters whose watches have not all listed or some of which are failing now
   * (unreachable, or coming back): what the inventory shows of them may be stale or
   * incomplete, and an object absent there may still exist.
   */
  clustersOutOfSync(): string[];
  /** As TenantService.list() returns them, sorted by name. */
  tenants(): TenantSummary[];
  tenant(name: string): TenantSummary | undefined;
  tenantStatus(name: string): TenantStatus | undefined;
  /** The instances of `tenant` (or of every tenant), sorted by tenant and name. */
  instances(tenant?: string): InstanceStatus[];
  instance(tenant: string, name: string): InstanceStatus | undefined;
  /** Called after each change (debounce on the caller's side) and with `resync` after a (re)list. */
  subscribe(listener: (event: KaasInventoryEvent) => void): () => void;
  /** Requests started against API servers so far (lists, watches, discovery). */
  requestCounts(): InventoryRequestCounts;
}
