import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { loadCapabilities, type LoadedCapability } from './readCapabilities';

/**
 * Calls `use` with the capabilities each time `kaas.capabilities` changes in the root
 * config (Backstage reloads config files as they change), so a capability added in
 * configuration can be requested without a restart. A new configuration that does not
 * validate is refused with the reason in the log; the capabilities as they were stay.
 */
export function followCapabilityConfig(
  config: RootConfigService,
  logger: LoggerService,
  use: (capabilities: LoadedCapability[]) => void | Promise<void>,
): void {
  const current = () =>
    JSON.stringify(config.getOptional('kaas.capabilities') ?? null);
  let last = current();
  config.subscribe?.(() => {
    const now = current();
    if (now === last) return;
    let loaded: LoadedCapability[];
    try {
      loaded = loadCapabilities(config);
    } catch (error) {
      logger.error(
        `kaas.capabilities changed, but ${
          (error as Error).message
        }; still serving the capabilities as they were`,
      );
      return;
    }
    last = now;
    Promise.resolve(use(loaded)).then(
      () =>
        logger.info(
          `kaas capabilities now: ${
            loaded.map(c => c.capability.id).join(', ') || '(none)'
          }`,
        ),
      error =>
        logger.error(
          `Could not follow the new kaas.capabilities: ${
            (error as Error).message
          }`,
        ),
    );
  });
}
