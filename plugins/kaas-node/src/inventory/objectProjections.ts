/**
 * What the inventory keeps of each object it watches: the fields the tenant and instance
 * pages and the catalog need, nothing else (no managedFields, no specs that are not
 * shown, never a Secret's data). Objects arrive as the API server's JSON (not through
 * client-node's deserializer), so field names are the wire names (`default`, not
 * `_default`) and times are strings.
 */
import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import type {
  KaasMarkKeys,
  ObjectCondition,
} from '@kaas-platform/plugin-kaas-common';
import {
  operatorSignsOf,
  type OperatorSigns,
} from '../instances/operatorActivity';
import { readInstanceReadiness, valueAt } from '../instances/instanceReadiness';
import {
  instanceSummaryOf,
  type InstanceSummary,
} from '../instances/instanceSummary';
import type { LoadedCapability } from '../instances/readCapabilities';
import { tenantSummaryOf, type TenantSummary } from '../tenants/tenantSummary';
import type { LivePolicyObject } from './livePolicyObject';

/** A tenant's home namespace. */
export interface NamespaceProjection {
  summary: TenantSummary;
  phase?: string;
  terminating: boolean;
  /** Labels and annotations as served, to tell drift. */
  live: LivePolicyObject;
}

export interface QuotaProjection {
  name: string;
  tenant?: string;
  /** `status.hard` once counted, `spec.hard` before. */
  hard: Record<string, string>;
  used: Record<string, string>;
  /** Whether the quota controller has counted it (`status.hard` set). */
  counted: boolean;
  live?: LivePolicyObject;
}

export interface LimitRangeProjection {
  name: string;
  limits: Array<{
    type: string;
    default?: Record<string, string>;
    defaultRequest?: Record<string, string>;
    max?: Record<string, string>;
    min?: Record<string, string>;
  }>;
  live?: LivePolicyObject;
}

export interface NetworkPolicyProjection {
  name: string;
  policyTypes: string[];
  live?: LivePolicyObject;
}

export interface EventProjection {
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  lastSeen: string;
  /** lastSeen in epoch ms, for ordering. */
  at: number;
}

/** A Cluster API `Cluster` or Crossplane claim. */
export interface ClusterObjectProjection {
  apiVersion: string;
  kind: string;
  name: string;
  phase?: string;
  conditions: ObjectCondition[];
}

/** The main object of an instance, with its readiness judged when it was seen. */
export interface InstanceProjection {
  summary: InstanceSummary;
  ready: boolean;
  message: string;
  phase?: string;
  conditions: ObjectCondition[];
  /** The service named by the connection rule's `fromStatus` field, once reported. */
  statusService?: string;
  /** The main object's creation time and whether an operator left a sign on it. */
  operator: OperatorSigns;
}

type Quantities = Record<string, string>;

/** The wire JSON of the kinds projected here, as far as read. */
interface RawQuota extends KubernetesObject {
  spec?: { hard?: Quantities };
  status?: { hard?: Quantities; used?: Quantities };
}
interface RawLimitRange extends KubernetesObject {
  spec?: {
    limits?: Array<{
      type: string;
      default?: Quantities;
      defaultRequest?: Quantities;
      max?: Quantities;
      min?: Quantities;
    }>;
  };
}
interface RawNetworkPolicy extends KubernetesObject {
  spec?: { policyTypes?: string[] };
}
interface RawPod extends KubernetesObject {
  status?: { phase?: string };
}
interface RawEvent extends KubernetesObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; name?: string };
}

const MAX_MESSAGE = 1024;

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_MESSAGE) : '';
}

function conditionsOf(object: unknown): ObjectCondition[] {
  const conditions = valueAt(object, 'status.conditions');
  if (!Array.isArray(conditions)) return [];
  return conditions
    .filter(c => c && typeof c.type === 'string')
    .map(c => ({
      type: c.type,
      status: String(c.status ?? ''),
      ...(c.reason ? { reason: text(c.reason) } : {}),
      ...(c.message ? { message: text(c.message) } : {}),
    }));
}

function phaseOf(object: unknown): string | undefined {
  const phase = valueAt(object, 'status.phase');
  return typeof phase === 'string' ? phase : undefined;
}

export function projectNamespace(
  ns: V1Namespace,
  cluster: string,
  marks: KaasMarkKeys,
  live: LivePolicyObject,
): NamespaceProjection | undefined {
  const summary = tenantSummaryOf(ns, cluster, marks);
  if (!summary) return undefined;
  return {
    summary,
    // Only the metadata counts for a namespace (its spec holds finalizers alone).
    live: { ...live, body: { metadata: live.body.metadata } },
    phase: ns.status?.phase,
    terminating: !!ns.metadata?.deletionTimestamp,
  };
}

export function projectQuota(
  quota: RawQuota,
  marks: KaasMarkKeys,
): QuotaProjection {
  const statusHard = quota.status?.hard ?? {};
  const counted = Object.keys(statusHard).length > 0;
  return {
    name: quota.metadata?.name ?? '',
    tenant: quota.metadata?.labels?.[marks.tenant],
    hard: { ...(counted ? statusHard : quota.spec?.hard ?? {}) },
    used: { ...quota.status?.used },
    counted,
  };
}

export function projectLimitRange(range: RawLimitRange): LimitRangeProjection {
  return {
    name: range.metadata?.name ?? '',
    limits: (range.spec?.limits ?? []).map(limit => ({
      type: limit.type,
      ...(limit.default ? { default: { ...limit.default } } : {}),
      ...(limit.defaultRequest
        ? { defaultRequest: { ...limit.defaultRequest } }
        : {}),
      ...(limit.max ? { max: { ...limit.max } } : {}),
      ...(limit.min ? { min: { ...limit.min } } : {}),
    })),
  };
}

export function projectNetworkPolicy(
  policy: RawNetworkPolicy,
): NetworkPolicyProjection {
  return {
    name: policy.metadata?.name ?? '',
    policyTypes: [...(policy.spec?.policyTypes ?? [])],
  };
}

/** A pod is kept as its phase only. */
export function projectPod(pod: RawPod): string {
  return pod.status?.phase ?? 'Unknown';
}

export function projectEvent(event: RawEvent): EventProjection {
  const lastSeen =
    event.lastTimestamp ??
    event.series?.lastObservedTime ??
    event.eventTime ??
    event.metadata?.creationTimestamp;
  const at = lastSeen ? new Date(lastSeen).getTime() : 0;
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: text(event.message),
    object: `${event.involvedObject?.kind ?? ''}/${
      event.involvedObject?.name ?? ''
    }`,
    count: event.series?.count ?? event.count ?? 1,
    lastSeen: at ? new Date(at).toISOString() : '',
    at,
  };
}

export function projectClusterObject(
  object: KubernetesObject,
): ClusterObjectProjection {
  const phase = phaseOf(object);
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    ...(phase ? { phase } : {}),
    conditions: conditionsOf(object),
  };
}

/**
 * The instance whose main object `object` is: of the capability its label names, among
 * the capabilities whose main object is of this kind; readiness judged by that
 * capability's rule.
 */
export function projectInstance(
  object: KubernetesObject,
  cluster: string,
  capabilities: LoadedCapability[],
  marks: KaasMarkKeys,
): InstanceProjection | undefined {
  const id = object.metadata?.labels?.[marks.capability];
  const capability = capabilities.find(c => c.capability.id === id)?.capability;
  if (!capability) return undefined;
  const summary = instanceSummaryOf(object, cluster, capability.id, marks);
  if (!summary) return undefined;
  const { ready, message } = readInstanceReadiness(
    object,
    capability.readiness,
  );
  const phase = phaseOf(object);
  const fromStatus = capability.connection?.fromStatus;
  const service = fromStatus ? valueAt(object, fromStatus) : undefined;
  return {
    summary,
    ready,
    message: text(message),
    ...(phase ? { phase } : {}),
    conditions: conditionsOf(object),
    ...(typeof service === 'string' && service
      ? { statusService: service }
      : {}),
    operator: operatorSignsOf(object),
  };
}
