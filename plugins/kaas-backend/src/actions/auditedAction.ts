import type {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { auditedEvent, type AuditMeta } from '../routes/auditedEvent';
import { actionCaller } from './actionCaller';

/**
 * Runs a write action as one audit event `action-invocation` naming the action and the
 * caller (actions have no HTTP request the auditor could read the caller from).
 */
export function auditedAction<T>(
  auditor: AuditorService,
  invocation: {
    actionId: string;
    credentials: BackstageCredentials;
    meta: AuditMeta;
  },
  work: () => Promise<{ result: T; meta?: AuditMeta }>,
): Promise<T> {
  return auditedEvent(
    auditor,
    {
      eventId: 'action-invocation',
      severityLevel: 'medium',
      meta: {
        actionId: invocation.actionId,
        caller: actionCaller(invocation.credentials),
        ...invocation.meta,
      },
    },
    async () => {
      const { result, meta } = await work();
      return { result, meta: meta ?? {} };
    },
  );
}
