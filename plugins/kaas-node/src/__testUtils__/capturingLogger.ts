import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * A logger that keeps its lines (message, then its metadata as JSON when there is any),
 * for asserting what was logged and that no secret ever was.
 */
export function capturingLogger(lines: string[] = []): LoggerService & {
  lines: string[];
} {
  const push = (message: string, meta?: unknown) =>
    void lines.push(meta ? `${message} ${JSON.stringify(meta)}` : message);
  const logger = {
    lines,
    info: push,
    warn: push,
    error: push,
    debug: push,
    child: () => logger,
  };
  return logger;
}
