import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** How long a wait action waits for the catalog after the object is ready. */
export const CATALOG_WAIT_MS = 30_000;
const POLL_MS = 250;

/**
 * Waits (at most `timeoutMs`) until the catalog serves `entityRef`, so that the template's
 * "Open the tenant" link never lands on a missing page: the entity provider reads the
 * clusters within a second, but the catalog's processing and stitching come after. Not
 * there in time is said in the log, not a failure: the object itself is ready.
 */
export async function waitUntilCataloged(
  catalog: Pick<CatalogService, 'getEntityByRef'>,
  entityRef: string,
  options: {
    credentials: BackstageCredentials;
    logger: LoggerService;
    timeoutMs?: number;
  },
): Promise<boolean> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? CATALOG_WAIT_MS);
  for (;;) {
    const entity = await catalog
      .getEntityByRef(entityRef, { credentials: options.credentials })
      .catch(() => undefined);
    if (entity) {
      options.logger.info(
        `The catalog serves ${entityRef} (after ${Date.now() - started} ms)`,
      );
      return true;
    }
    if (Date.now() >= deadline) {
      options.logger.warn(
        `The catalog does not serve ${entityRef} yet; its page appears once the catalog has processed it`,
      );
      return false;
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}
