import type { KaasActionDeps } from './kaasActionDeps';
import { registerInstanceReadActions } from './instanceReadActions';
import { registerInstanceWriteActions } from './instanceWriteActions';
import { registerOperateActions } from './operateActions';
import { registerOperatorHealthActions } from './operatorHealthActions';
import { registerTenantReadActions } from './tenantReadActions';
import { registerTenantWriteActions } from './tenantWriteActions';
import { registerUpdateActions } from './updateActions';

/**
 * Registers the platform's operations in the Actions Registry (ids `kaas:<name>`), for
 * automation and agents (served as MCP tools by `@backstage/plugin-mcp-actions-backend`).
 * Each runs with the caller's credentials under the same rules as the REST API and the
 * scaffolder actions. Kubeconfigs and credentials are never handed out through an action.
 */
export function registerKaasActions(deps: KaasActionDeps): void {
  registerTenantReadActions(deps);
  registerInstanceReadActions(deps);
  registerTenantWriteActions(deps);
  registerInstanceWriteActions(deps);
  registerUpdateActions(deps);
  registerOperateActions(deps);
  registerOperatorHealthActions(deps);
}
