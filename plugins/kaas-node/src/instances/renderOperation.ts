import { InputError } from '@backstage/errors';
import {
  MANAGED_BY_VALUE,
  dns1123LabelProblem,
  type CapabilityOperation,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import type { FoundInstance } from './findInstances';
import {
  substituteInstancePlaceholders,
  whenHolds,
  type InstanceTemplateValueSet,
} from './instanceTemplates';

/** What `${{ run.<key> }}` of an operation's objects may name. */
export const RUN_KEYS = ['name', 'operation'] as const;

/** One run of an operation: its unique name (a label value) and the operation's. */
export interface OperationRun {
  name: string;
  operation: string;
}

const RUN_PLACEHOLDER = /\$\{\{\s*run\.(name|operation)\s*\}\}/g;
const DNS_1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A deep copy of `tree` with `${{ run.name }}` and `${{ run.operation }}` replaced. */
export function substituteRunPlaceholders<T>(tree: T, run: OperationRun): T {
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(RUN_PLACEHOLDER, (_m, key: 'name' | 'operation') =>
        key === 'name' ? run.name : run.operation,
      );
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, visit(v)]),
      );
    }
    return value;
  };
  return visit(tree) as T;
}

/**
 * A run name made of the operation and the time (`backup-20261202-031500-k3x`): unique
 * enough that two runs never meet, readable in the history, and a valid label value.
 */
export function newRunName(operation: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .slice(0, 15);
  const suffix = Math.random().toString(36).slice(2, 5);
  return `${operation}-${stamp}-${suffix}`;
}

/** Why `run` cannot be a run name, or undefined. */
export function runNameProblem(run: string): string | undefined {
  const problem = dns1123LabelProblem(run);
  if (problem) return `runName '${run}' ${problem}`;
  return undefined;
}

/**
 * The objects one run of `operation` on `instance` becomes: its templates with the
 * instance's and tenant's values, the operation's checked parameters and the run, in the
 * instance's namespace, marked like the instance plus the operation and run labels.
 */
export function renderOperation(options: {
  instance: FoundInstance;
  operation: CapabilityOperation;
  run: OperationRun;
  parameters: Record<string, unknown>;
  values: InstanceTemplateValueSet;
  marks: KaasMarkKeys;
  /** The tenant's owner, as its home namespace records it. */
  owner: string;
}): KubernetesManifest[] {
  const { instance, operation, run, parameters, values, marks, owner } =
    options;
  const { summary } = instance;
  const labels = {
    [marks.tenant]: summary.tenant,
    [marks.managedBy]: MANAGED_BY_VALUE,
    [marks.capability]: summary.capability,
    [marks.instance]: summary.name,
    [marks.operation]: run.operation,
    [marks.run]: run.name,
  };
  const manifests: KubernetesManifest[] = [];
  operation.objects.forEach((template, index) => {
    if (!whenHolds(template.when, parameters)) return;
    const { when: _when, ...object } = template;
    const rendered = substituteInstancePlaceholders(
      substituteRunPlaceholders(object, run),
      { ...values, parameters },
    );
    const name = rendered.metadata?.name;
    if (
      typeof name !== 'string' ||
      name.length > 253 ||
      !DNS_1123_SUBDOMAIN.test(name)
    ) {
      throw new InputError(
        `Object ${index} (${template.kind}) of operation '${
          run.operation
        }' would be named ${JSON.stringify(
          name,
        )}, which is not a valid Kubernetes name; choose a shorter runName`,
      );
    }
    manifests.push({
      ...rendered,
      metadata: {
        ...rendered.metadata,
        name,
        namespace: summary.namespace,
        labels: { ...rendered.metadata.labels, ...labels },
        annotations: {
          ...rendered.metadata.annotations,
          [marks.owner]: owner,
        },
      },
    } as KubernetesManifest);
  });
  return manifests;
}
