import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { KaasEntityProvider } from './KaasEntityProvider';

/** The scheduler's id of the provider's full mutation, shared by every replica. */
export const FULL_SYNC_TASK_ID = 'kaas-entity-provider-full-sync';

/** A trigger that meets a running full sync is tried again after this long. */
const RETRY_MS = 5_000;

/**
 * Runs the provider's full mutations as a global task of Backstage's scheduler: one replica
 * at a time, across every replica on the database, every 30 minutes and whenever a replica
 * asks (once ready, after a re-list). `requestFullSync` is the provider's option of that
 * name; `start` schedules the task with the provider.
 */
export function fullSyncTask(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
}): {
  requestFullSync: () => void;
  start: (provider: KaasEntityProvider) => Promise<void>;
} {
  const { scheduler, logger } = options;
  let started = false;
  let asked = false;
  let retry: NodeJS.Timeout | undefined;

  const trigger = () => {
    clearTimeout(retry);
    retry = undefined;
    scheduler.triggerTask(FULL_SYNC_TASK_ID).catch(error => {
      // A run in progress may have read the inventory before this replica's change.
      if (error?.name === 'ConflictError') {
        retry = setTimeout(trigger, RETRY_MS);
        retry.unref?.();
        return;
      }
      logger.warn(`Could not trigger the kaas catalog full sync: ${error}`);
    });
  };

  return {
    requestFullSync: () => {
      if (started) trigger();
      else asked = true;
    },
    start: async provider => {
      await scheduler.scheduleTask({
        id: FULL_SYNC_TASK_ID,
        scope: 'global',
        frequency: { minutes: 30 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 10 },
        fn: signal => provider.fullSync(signal),
      });
      started = true;
      if (asked) trigger();
    },
  };
}
