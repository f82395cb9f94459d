import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';

/** The metadata of an audit event (a JSON object). */
export type AuditMeta = AuditorServiceCreateEventOptions['meta'];

/**
 * Runs `work` as one audit event: a success with the meta `work` returns beside its
 * result, or a failure with the error it throws, which is thrown on.
 */
export async function auditedEvent<T>(
  auditor: AuditorService,
  event: AuditorServiceCreateEventOptions,
  work: () => Promise<{ result: T; meta: AuditMeta }>,
): Promise<T> {
  const audit = await auditor.createEvent(event);
  try {
    const { result, meta } = await work();
    await audit.success({ meta });
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
