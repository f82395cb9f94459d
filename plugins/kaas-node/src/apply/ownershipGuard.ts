import { ConflictError, InputError } from '@backstage/errors';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  sameEntityRef,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import {
  describeObject,
  type KubernetesManifest,
} from '../tenants/kubernetesManifest';
import type { ClusterObjectApi } from '../clusters/ClusterObjectApi';
import { statusCode } from '../clusters/statusCode';

/** Whom the objects being written must belong to. @public */
export interface OwnershipMarks {
  marks: KaasMarkKeys;
  tenant: string;
  /** Full group ref of the owner. */
  owner: string;
  /** XaaS objects (all but namespaces) must also carry this capability mark. */
  capability?: string;
  /** XaaS objects (all but namespaces) must also carry this instance mark. */
  instance?: string;
}

/**
 * Why an existing object may not be written for `expected`, or undefined when it is
 * ours. An object without our managed-by mark or without a recorded owner, or marked for
 * another tenant or owner, is never adopted. For `purpose: 'delete'`: why it may not be
 * deleted as `expected`'s (being deleted already is no reason then).
 *
 * @public
 */
export function foreignOwnership(
  existing: KubernetesObject,
  expected: OwnershipMarks,
  purpose: 'write' | 'delete' = 'write',
  context: {
    /**
     * Owners of namespaces already found to be `expected`'s. Inside them, a marked object
     * without an owner annotation takes the namespace's: earlier versions recorded the
     * owner on home namespaces and instances only, and nobody but the owner group, the
     * platform and cluster admins can write inside such a namespace.
     */
    namespaceOwners?: ReadonlyMap<string, string>;
  } = {},
): string | undefined {
  const { marks } = expected;
  const labels = existing.metadata?.labels ?? {};
  const namespace = existing.metadata?.namespace;
  const owner =
    existing.metadata?.annotations?.[marks.owner] ??
    (existing.kind !== 'Namespace' && namespace
      ? context.namespaceOwners?.get(namespace)
      : undefined);
  let what = `${describeObject(existing)} already exists and`;
  let advice =
    expected.instance === undefined
      ? 'choose another tenant name.'
      : 'choose another instance name.';
  if (purpose === 'delete') {
    what = `${describeObject(existing)}`;
    advice = `it is not deleted with tenant '${expected.tenant}' of ${expected.owner}.`;
  }
  if (labels[marks.managedBy] !== MANAGED_BY_VALUE) {
    return `${what} is not managed by the platform; ${advice}`;
  }
  // Without a recorded owner, anyone who could create the object marked could have
  // prepared it (with RoleBindings beside it) for whoever adopts it.
  if (owner === undefined) {
    return `${what} records no owner (annotation ${marks.owner}), so it is not known to be ${expected.owner}'s; ${advice}`;
  }
  if (!sameEntityRef(owner, expected.owner)) {
    return `${what} belongs to ${owner}; ${advice}`;
  }
  if (labels[marks.tenant] !== expected.tenant) {
    return `${what} belongs to tenant '${
      labels[marks.tenant] ?? '(none)'
    }'; ${advice}`;
  }
  if (existing.kind !== 'Namespace') {
    for (const [key, value, mark] of [
      [marks.capability, expected.capability, 'capability'],
      [marks.instance, expected.instance, 'instance'],
    ] as const) {
      if (value !== undefined && labels[key] !== value) {
        return `${what} belongs to ${mark} '${
          labels[key] ?? '(none)'
        }'; ${advice}`;
      }
    }
  }
  if (purpose === 'write' && existing.metadata?.deletionTimestamp) {
    return `${describeObject(
      existing,
    )} is being deleted; wait until it is gone, then try again.`;
  }
  return undefined;
}

/** Identity of a manifest within one cluster. */
export function objectKey(object: KubernetesObject): string {
  return [
    object.apiVersion,
    object.kind,
    object.metadata?.namespace ?? '',
    object.metadata?.name,
  ].join('/');
}

/**
 * Reads every object before anything is written: refuses kinds the cluster does not
 * serve or that are cluster-scoped (other than Namespace), and objects that are not
 * ours (ConflictError naming each one and its owner). Returns the existing objects.
 * `claimedNamespace`, created by this run a moment ago, is read as absent, and so is
 * everything in it.
 *
 * @public
 */
export async function guardOwnership(
  api: ClusterObjectApi,
  manifests: KubernetesManifest[],
  expected: OwnershipMarks,
  claimedNamespace?: string,
): Promise<Map<string, KubernetesObject | undefined>> {
  const existing = new Map<string, KubernetesObject | undefined>();
  const namespaceOwners = new Map<string, string>();
  const check = async (manifest: KubernetesManifest, mayExist: boolean) => {
    const resource = await api.discover(manifest.apiVersion, manifest.kind);
    if (!resource) {
      throw new InputError(
        `The cluster does not serve ${manifest.kind} of ${manifest.apiVersion}; install the operator that provides it or change the tenant profile`,
      );
    }
    if (!resource.namespaced && manifest.kind !== 'Namespace') {
      throw new InputError(
        `${describeObject(
          manifest,
        )} is cluster-scoped; tenants may only hold namespaced objects`,
      );
    }
    let current: KubernetesObject | undefined;
    if (mayExist) {
      try {
        current = await api.read({
          apiVersion: manifest.apiVersion,
          kind: manifest.kind,
          metadata: {
            name: manifest.metadata.name,
            namespace: manifest.metadata.namespace,
          },
        });
      } catch (error) {
        if (statusCode(error) !== 404) throw error;
      }
    }
    existing.set(objectKey(manifest), current);
    return current
      ? foreignOwnership(current, expected, 'write', { namespaceOwners })
      : undefined;
  };

  // Nothing can exist inside a namespace that does not exist: for a new tenant one read
  // of its namespace replaces a read per object.
  const namespaces = manifests.filter(m => m.kind === 'Namespace');
  const problems = await Promise.all(
    namespaces.map(m => check(m, m.metadata.name !== claimedNamespace)),
  );
  namespaces.forEach((m, i) => {
    if (!problems[i] && existing.get(objectKey(m))) {
      namespaceOwners.set(m.metadata.name, expected.owner);
    }
  });
  const absentNamespaces = new Set(
    namespaces
      .filter(m => existing.get(objectKey(m)) === undefined)
      .map(m => m.metadata.name),
  );
  problems.push(
    ...(await Promise.all(
      manifests
        .filter(m => m.kind !== 'Namespace')
        .map(m =>
          check(
            m,
            !m.metadata.namespace ||
              !absentNamespaces.has(m.metadata.namespace),
          ),
        ),
    )),
  );
  const refused = problems.filter((p): p is string => !!p);
  if (refused.length) throw new ConflictError(refused.join(' '));
  return existing;
}
