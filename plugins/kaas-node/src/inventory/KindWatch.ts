import type http from 'node:http';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesObject } from '@kubernetes/client-node';
import { backoffDelay } from './backoff';
import type { KaasCluster } from '../clusters/KaasCluster';
import { KubeApiError, METADATA_ONLY } from '../clusters/streamingGet';
import type { RequestCounter } from './requestCounter';

/** A kind as the API server serves it. */
export interface WatchedResource {
  /** `v1`, `apps/v1`, `cluster.x-k8s.io/v1beta2` */
  apiVersion: string;
  kind: string;
  /** Resource name in URLs, e.g. `pods`. */
  plural: string;
}

/** A change the cache saw: one object (`namespace` is its namespace, or its own name when cluster-scoped), or a new list. */
export type KindWatchChange =
  | { type: 'change'; namespace: string }
  | { type: 'resync' };

/** Options of a {@link KindWatch}. */
export interface KindWatchOptions<P> {
  /** For log lines, e.g. `Pods on cluster 'local'`. */
  description: string;
  /** Where the kind is listed and watched. */
  cluster: Pick<KaasCluster, 'openGet' | 'getJson'>;
  resource: WatchedResource;
  labelSelector?: string;
  /** Have the server send metadata only (names, labels): nothing else is transferred. */
  metadataOnly?: boolean;
  /** What to keep of an object; undefined keeps nothing (and forgets an earlier version). */
  project(object: KubernetesObject): P | undefined;
  /** Keep only the `limit` highest ranked projections of each namespace (e.g. newest events). */
  perNamespace?: { limit: number; rank(projection: P): number };
  counter: RequestCounter;
  logger: LoggerService;
  onChange(change: KindWatchChange): void;
  /** Page size of lists. */
  pageSize?: number;
}

interface ObjectList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubernetesObject[];
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubernetesObject & { code?: number; message?: string };
}

type WatchOutcome = { gone: boolean; resourceVersion: string; ms: number };

const LIST_TIMEOUT_MS = 60_000;

/** The collection URL of a resource across all namespaces. */
export function collectionPath(resource: WatchedResource): string {
  const base =
    resource.apiVersion === 'v1' ? '/api/v1' : `/apis/${resource.apiVersion}`;
  return `${base}/${resource.plural}`;
}

/**
 * List and watch of one kind on one cluster, keeping a projection of every object by
 * namespace and name. A watch that the server ends is resumed from the last resource
 * version; a watch that fails (connection refused or reset, an ERROR event, 410 Gone
 * when the resource version expired) leads to a fresh list after an exponential backoff
 * with jitter. A fresh list replaces the whole store and is announced as `resync`.
 */
export class KindWatch<P> {
  private store = new Map<string, Map<string, P>>();
  private stopped = false;
  private started = false;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private current?: http.IncomingMessage;
  private resumeFrom?: string;
  private synced = false;
  private attempted = false;
  private listedOnce!: () => void;
  private readonly firstList = new Promise<void>(resolve => {
    this.listedOnce = resolve;
  });

  /** The error of the last failed request, until a list succeeds again. */
  lastError?: Error;
  /** When the requests began to fail, until a list succeeds again. */
  failingSince?: Date;

  constructor(private readonly options: KindWatchOptions<P>) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.listedOnce();
    await this.loop;
  }

  /** Resolves once the first list succeeded or failed. */
  whenListed(): Promise<void> {
    return this.firstList;
  }

  /** Whether a list has succeeded at least once. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Whether the first list has been tried (successfully or not). */
  hasTried(): boolean {
    return this.attempted;
  }

  get(namespace: string, name: string): P | undefined {
    return this.store.get(namespace)?.get(name);
  }

  inNamespace(namespace: string): P[] {
    return [...(this.store.get(namespace)?.values() ?? [])];
  }

  countInNamespace(namespace: string): number {
    return this.store.get(namespace)?.size ?? 0;
  }

  all(): P[] {
    return [...this.store.values()].flatMap(byName => [...byName.values()]);
  }

  /** The namespaces (`''` for cluster-scoped objects) something is kept of. */
  namespaces(): string[] {
    return [...this.store.keys()];
  }

  /** Whether a watch connection is open now. */
  isWatching(): boolean {
    return this.current !== undefined;
  }

  /**
   * Closes the current watch connection as a network failure would; with `resumeFrom`,
   * the next watch starts from that resource version instead of a fresh list (an old one
   * is how tests make the server answer 410 Gone).
   */
  dropWatch(options: { resumeFrom?: string } = {}): void {
    if (options.resumeFrom) {
      this.resumeFrom = options.resumeFrom;
      this.current?.destroy();
    } else {
      this.current?.destroy(new Error('watch connection dropped'));
    }
  }

  private get log() {
    return this.options.logger;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        let resourceVersion = await this.list();
        failures = 0;
        let quickEnds = 0;
        for (;;) {
          const outcome = await this.watch(resourceVersion);
          if (outcome.gone) {
            this.log.info(
              `${this.options.description}: resource version ${resourceVersion} expired (410 Gone); listing again`,
            );
            failures = 1;
            break;
          }
          resourceVersion = outcome.resourceVersion;
          // A server that ends every watch at once must not be hammered.
          quickEnds = outcome.ms < 1000 ? quickEnds + 1 : 0;
          if (quickEnds > 0) {
            await this.sleep(backoffDelay(quickEnds));
          }
          if (this.stopped) return;
        }
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        this.lastError = error as Error;
        this.failingSince ??= new Date();
        const delay = backoffDelay(failures);
        this.log.warn(
          `${this.options.description}: ${
            (error as Error).message
          }; listing again in ${delay} ms`,
        );
        this.markTried();
        await this.sleep(delay);
        continue;
      }
      await this.sleep(backoffDelay(failures));
    }
  }

  private markTried() {
    this.attempted = true;
    this.listedOnce();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  /** Lists every object (page by page), replaces the store, and returns the list's resource version. */
  private async list(): Promise<string> {
    const { resource, labelSelector, metadataOnly, pageSize } = this.options;
    const fresh = new Map<string, Map<string, P>>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      this.options.counter.count('lists');
      const page = await this.options.cluster.getJson<ObjectList>(
        collectionPath(resource),
        {
          labelSelector,
          limit: pageSize ?? 500,
          continue: continueToken,
        },
        {
          accept: metadataOnly ? METADATA_ONLY.list : undefined,
          signal: this.abort.signal,
          timeoutMs: LIST_TIMEOUT_MS,
        },
      );
      for (const item of page.items ?? []) {
        this.put(fresh, this.withKind(item));
      }
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    this.store = fresh;
    this.synced = true;
    this.lastError = undefined;
    this.failingSince = undefined;
    this.markTried();
    this.options.onChange({ type: 'resync' });
    return resourceVersion;
  }

  /** Watches from `resourceVersion` until the server ends the watch, it expires, or it fails. */
  private async watch(resourceVersion: string): Promise<WatchOutcome> {
    const { resource, labelSelector, metadataOnly } = this.options;
    const from = this.resumeFrom ?? resourceVersion;
    this.resumeFrom = undefined;
    // Spread the servers' ends of the watches, as client-go does (5 to 10 minutes).
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    const started = Date.now();
    this.options.counter.count('watches');
    let response: http.IncomingMessage;
    try {
      response = await this.options.cluster.openGet(
        collectionPath(resource),
        {
          watch: 1,
          resourceVersion: from,
          allowWatchBookmarks: true,
          timeoutSeconds,
          labelSelector,
        },
        {
          accept: metadataOnly ? METADATA_ONLY.watch : undefined,
          signal: this.abort.signal,
          // Longer than the server's own end of the watch: silence past it is a dead peer.
          timeoutMs: (timeoutSeconds + 30) * 1000,
        },
      );
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 410) {
        return { gone: true, resourceVersion: from, ms: Date.now() - started };
      }
      throw error;
    }
    this.current = response;
    let latest = from;
    return new Promise<WatchOutcome>((resolve, reject) => {
      let buffered = '';
      let settled = false;
      const settle = (outcome: WatchOutcome | Error) => {
        if (settled) return;
        settled = true;
        this.current = undefined;
        response.removeAllListeners('data');
        if (outcome instanceof Error) {
          response.destroy();
          reject(outcome);
        } else {
          if (outcome.gone) response.destroy();
          resolve(outcome);
        }
      };
      const handle = (line: string) => {
        if (!line.trim()) return;
        let event: WatchEvent;
        try {
          event = JSON.parse(line);
        } catch {
          settle(new Error(`unreadable watch event: ${line.slice(0, 200)}`));
          return;
        }
        if (event.type === 'ERROR') {
          const code = event.object?.code;
          if (code === 410) {
            settle({ gone: true, resourceVersion: latest, ms: 0 });
          } else {
            settle(
              new KubeApiError(
                code ?? 0,
                `watch error ${code}: ${event.object?.message ?? ''}`,
              ),
            );
          }
          return;
        }
        latest = event.object?.metadata?.resourceVersion ?? latest;
        if (event.type === 'BOOKMARK') return;
        this.apply(event);
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0 && !settled) {
          handle(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
      });
      response.on('end', () => {
        if (buffered) handle(buffered);
        settle({
          gone: false,
          resourceVersion: latest,
          ms: Date.now() - started,
        });
      });
      response.on('error', error => settle(error));
      response.on('close', () => {
        if (response.complete) return;
        if (this.resumeFrom) {
          settle({
            gone: false,
            resourceVersion: latest,
            ms: Date.now() - started,
          });
        } else {
          settle(new Error('watch connection closed'));
        }
      });
    });
  }

  private apply(event: WatchEvent) {
    const object = this.withKind(event.object);
    const namespace = object.metadata?.namespace ?? object.metadata?.name ?? '';
    if (event.type === 'DELETED') {
      this.remove(object);
    } else {
      this.put(this.store, object);
    }
    this.options.onChange({ type: 'change', namespace });
  }

  /** List items and metadata-only objects may lack apiVersion and kind; projections need them. */
  private withKind(object: KubernetesObject): KubernetesObject {
    const { apiVersion, kind } = this.options.resource;
    return { ...object, apiVersion, kind };
  }

  private put(store: Map<string, Map<string, P>>, object: KubernetesObject) {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    const projection = this.options.project(object);
    let byName = store.get(namespace);
    if (projection === undefined) {
      byName?.delete(name);
      if (byName?.size === 0) store.delete(namespace);
      return;
    }
    if (!byName) {
      byName = new Map();
      store.set(namespace, byName);
    }
    byName.set(name, projection);
    const limit = this.options.perNamespace;
    if (limit && byName.size > limit.limit) {
      let lowest: [string, number] | undefined;
      for (const [key, value] of byName) {
        const rank = limit.rank(value);
        if (!lowest || rank < lowest[1]) lowest = [key, rank];
      }
      if (lowest) byName.delete(lowest[0]);
    }
  }

  private remove(object: KubernetesObject) {
    const namespace = object.metadata?.namespace ?? '';
    const byName = this.store.get(namespace);
    byName?.delete(object.metadata?.name ?? '');
    if (byName?.size === 0) this.store.delete(namespace);
  }
}
