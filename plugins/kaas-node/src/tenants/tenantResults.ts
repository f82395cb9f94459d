import type { LoggerService } from '@backstage/backend-plugin-api';
import type { TenantIsolation } from '@kaas-platform/plugin-kaas-common';
import type { AppliedObject } from '../apply/applyManifests';
import type { PollOptions } from '../apply/pollUntilReady';
import type { ObjectChange } from './describeChanges';
import type { KubernetesManifest } from './kubernetesManifest';

/** What {@link TenantService.create} did. @public */
export interface TenantApplyResult {
  tenant: string;
  namespace: string;
  cluster: string;
  isolation: TenantIsolation;
  objects: AppliedObject[];
  /** Dry run only: the objects as the API server accepted them. */
  manifests?: KubernetesManifest[];
  /**
   * Dry run of a new tenant only: the platform namespace in which the objects meant for
   * its namespace were validated.
   */
  dryRunValidatedIn?: string;
}

/** Options of {@link TenantService.delete}. @public */
export interface TenantDeleteOptions {
  /** Delete the tenant's XaaS instances too, instead of refusing while they exist. */
  deleteInstances?: boolean;
  /** Resolve only once the home namespace is gone. */
  waitUntilGone?: boolean;
  timeoutMs?: number;
  dryRun?: boolean;
  /** Where each deleted object is reported (a scaffolder task's log); default: the service's. */
  logger?: LoggerService;
}

/** What {@link TenantService.delete} deleted (or would delete, in a dry run). @public */
export interface TenantDeleteResult {
  tenant: string;
  namespace: string;
  cluster: string;
  dryRun: boolean;
  deleted: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  }>;
}

/** Options of {@link TenantService.waitUntilReady}. @public */
export type TenantWaitOptions = PollOptions;

/** What {@link TenantService.update} applied (or would), and each field that changes. @public */
export interface TenantUpdateResult extends TenantApplyResult {
  changes: ObjectChange[];
}
