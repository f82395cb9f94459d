import type {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION, type Entity } from '@backstage/catalog-model';
import type {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import { readKaasOffering, type KaasOffering } from '../templates/kaasOffering';
import { overriddenKey } from '../templates/templateOverrides';
import { CAPABILITIES_LOCATION } from '../templates/templateMarks';

/** Options of {@link KaasTemplateProvider}. @public */
export interface KaasTemplateProviderOptions {
  /** The root config: read at start and again on every change it announces. */
  config: RootConfigService;
  /** Read with the provider's own credentials, to find hand-written templates. */
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /**
   * How long the first full mutation waits for the catalog to tell which generated
   * templates hand-written ones replace; it goes out without knowing after that. Default
   * 60000.
   */
  firstPublishWaitMs?: number;
}

/** How long a template seen by the parser counts as an override the catalog may not hold yet. */
const SIGHTING_MS = 10 * 60_000;

/**
 * The offering of the `kaas` configuration as catalog entities: a Software Template for
 * every capability, every operation of a capability and every isolation the tenant
 * profiles serve, and a
 * `xaas-capability` Resource for every capability. Re-read on every change of the root
 * configuration (an invalid one is logged and the last good set kept), and sent as a
 * full mutation, so a removed capability's entities go.
 *
 * A Template of any other source that names a capability or isolation (see
 * `overriddenKey`) replaces the generated one: found by reading the catalog
 * (`checkOverrides`, on a schedule) and, before the catalog holds it, by the catalog's
 * entity parser reading it from a location (`noteParsed`), which also asks the catalog to
 * read that location again once the generated one, holding the same name, is gone. The
 * first full mutation waits until the catalog has answered once, so that a replica joining
 * others does not put back, for a moment, templates they left out.
 *
 * @public
 */
export class KaasTemplateProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private offering?: KaasOffering;
  /** Keys of the generated templates hand-written ones replace, as the catalog holds them. */
  private catalogOverrides = new Set<string>();
  /** The same, seen by the parser: key -> location refresh key and when. */
  private sightings = new Map<string, { refreshKey: string; at: number }>();
  private sent?: string;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  /** The catalog has answered which templates replace generated ones. */
  private overridesKnown = false;
  /** The first full mutation has stopped waiting for that. */
  private firstPublishDue = false;
  private firstPublish: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: KaasTemplateProviderOptions) {
    this.offering = this.read();
  }

  getProviderName(): string {
    return 'kaas-templates';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const subscription = this.options.config.subscribe?.(() => {
      const offering = this.read();
      if (!offering) return;
      this.offering = offering;
      this.enqueue();
    });
    this.unsubscribe = subscription?.unsubscribe;
    // Not awaited: the catalog this asks may be the one starting up.
    this.firstPublish = this.publishFirst();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  /** Resolves once the mutations scheduled so far have been applied (for tests). */
  async settled(): Promise<void> {
    await this.firstPublish;
    await this.queue;
  }

  private async publishFirst(): Promise<void> {
    const deadline = Date.now() + (this.options.firstPublishWaitMs ?? 60_000);
    while (!this.overridesKnown && !this.stopped && Date.now() < deadline) {
      try {
        await this.checkOverrides();
      } catch {
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    }
    this.firstPublishDue = true;
    this.enqueue();
    await this.queue;
  }

  /** The mark prefix of the current configuration. */
  get markPrefix(): string {
    return this.offering?.markPrefix ?? 'kaas.internal';
  }

  /** Reads the catalog's Templates and steps aside for each hand-written one. */
  async checkOverrides(): Promise<void> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'Template' },
        fields: ['kind', 'metadata.name', 'metadata.annotations', 'spec.type'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const found = new Set<string>();
    for (const entity of items) {
      const key = this.overriddenKey(entity);
      if (!key) continue;
      found.add(key);
      // The catalog holds it now: it speaks for it from here on.
      this.sightings.delete(key);
    }
    this.catalogOverrides = found;
    this.overridesKnown = true;
    // A location refreshed while the catalog was still processing it keeps its old next
    // run (minutes away): ask again until the catalog holds the override.
    const pending = [...this.sightings.values()].map(s => s.refreshKey);
    this.enqueue(async () => {
      if (pending.length === 0) return;
      await this.connection?.refresh({ keys: [...new Set(pending)] });
    });
    await this.queue;
  }

  /**
   * Told of every entity the catalog's parser reads from a location. A hand-written
   * template that replaces a generated one of the same name could not enter the catalog
   * while the generated one holds the name: this removes the generated one and has the
   * catalog read the location again.
   */
  noteParsed(entity: Entity, location: LocationSpec): void {
    const key = this.overriddenKey(entity);
    if (!key) return;
    const refreshKey = `${location.type}:${location.target}`;
    const known = this.sightings.has(key) || this.catalogOverrides.has(key);
    this.sightings.set(key, { refreshKey, at: Date.now() });
    if (known) return;
    this.enqueue(async () => {
      await this.connection?.refresh({ keys: [refreshKey] });
    });
  }

  private overriddenKey(entity: Entity) {
    return overriddenKey(
      entity,
      this.markPrefix,
      this.offering?.operationTypes,
    );
  }

  private read(): KaasOffering | undefined {
    try {
      return readKaasOffering(this.options.config);
    } catch (error) {
      this.options.logger.error(
        `The kaas configuration is invalid, so the generated templates and capability entities stay as they were: ${error}`,
      );
      return undefined;
    }
  }

  private enqueue(after?: () => Promise<void>) {
    this.queue = this.queue
      .then(async () => {
        await this.publish();
        await after?.();
      })
      .catch(error =>
        this.options.logger.error(
          `kaas template provider could not update the catalog: ${error}`,
        ),
      );
  }

  /** The generated entities without those hand-written templates replace. */
  entities(): Entity[] {
    if (!this.offering) return [];
    const now = Date.now();
    for (const [key, sighting] of this.sightings) {
      if (now - sighting.at > SIGHTING_MS) this.sightings.delete(key);
    }
    const templates = [...this.offering.templates]
      .filter(
        ([key]) => !this.catalogOverrides.has(key) && !this.sightings.has(key),
      )
      .map(([, entity]) => entity);
    return [...templates, ...this.offering.capabilities];
  }

  private async publish(): Promise<void> {
    const { connection } = this;
    if (!connection || !this.offering) return;
    if (!this.overridesKnown && !this.firstPublishDue) return;
    const entities = this.entities();
    const json = JSON.stringify(entities);
    if (json === this.sent) return;
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey:
          entity.metadata.annotations?.[ANNOTATION_LOCATION] ??
          CAPABILITIES_LOCATION,
      })),
    });
    this.sent = json;
  }
}
