import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Who invoked an action, for audit events and log lines: a user or service ref. */
export function actionCaller(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  return 'unknown';
}
