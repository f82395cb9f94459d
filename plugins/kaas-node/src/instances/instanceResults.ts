import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AppliedObject } from '../apply/applyManifests';
import type { PollOptions } from '../apply/pollUntilReady';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';

/** What {@link InstanceService.create} did. @public */
export interface InstanceApplyResult {
  tenant: string;
  capability: string;
  name: string;
  plan: string;
  cluster: string;
  namespace: string;
  objects: AppliedObject[];
  /**
   * Where the connection details will be, without reading any value: the Secret (empty
   * when the capability declares none), host and port when known before the operator
   * has acted, and the keys safe to show.
   */
  connection: {
    secretName: string;
    host?: string;
    port?: number;
    showKeys: string[];
  };
  /** Dry run only: the objects as the API server accepted them. */
  manifests?: KubernetesManifest[];
}

/** Whether an instance is ready, and if not, what is missing. @public */
export interface InstanceReadiness {
  tenant: string;
  name: string;
  capability: string;
  ready: boolean;
  /** What the readiness rule saw, e.g. `condition Ready is False: ...`. */
  message: string;
}

/** Options of {@link InstanceService.waitUntilReady}. @public */
export type InstanceWaitOptions = PollOptions;

/** Options of {@link InstanceService.delete}. @public */
export interface InstanceDeleteOptions {
  waitUntilGone?: boolean;
  timeoutMs?: number;
  dryRun?: boolean;
  /** Where each deleted object is reported (a scaffolder task's log); default: the service's. */
  logger?: LoggerService;
}

/** What {@link InstanceService.delete} deleted (or would delete). @public */
export interface InstanceDeleteResult {
  tenant: string;
  name: string;
  capability: string;
  cluster: string;
  namespace: string;
  dryRun: boolean;
  deleted: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
  }>;
}
