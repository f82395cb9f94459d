import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { KaasCluster } from '../clusters/KaasCluster';
import type { KubernetesManifest } from '../tenants/kubernetesManifest';
import {
  guardOwnership,
  objectKey,
  type OwnershipMarks,
} from './ownershipGuard';

/** What apply did to one object. @public */
export interface AppliedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  resourceVersion?: string;
  action: 'created' | 'updated' | 'unchanged' | 'dry-run';
}

/** Options of {@link applyManifests}. @public */
export interface ApplyOptions extends OwnershipMarks {
  fieldManager: string;
  /** Server-side dry run: every write is sent with `dryRun=All`; nothing is stored. */
  dryRun?: boolean;
  /**
   * Dry run of a namespace that does not exist yet: the platform's own namespace
   * (`ensurePlatformNamespace`), in which the objects meant for the new namespace are
   * validated. Without it they are returned as rendered, validated client-side only.
   */
  dryRunNamespace?: string;
  /**
   * The namespace this run has just created with a plain create (a new tenant's home,
   * `claimTenantHome`). Nothing in it is read before writing: only this run and the
   * cluster's own controllers can have written there yet. Its apply is pinned to its
   * uid, so a namespace deleted and made again by someone else meanwhile is refused,
   * not adopted.
   */
  claimedNamespace?: { name: string; uid: string };
}

/** The outcome of {@link applyManifests}. @public */
export interface ApplyResult {
  objects: AppliedObject[];
  /** The objects as the API server returned them (for a dry run: as it would store them). */
  manifests: KubernetesObject[];
  /**
   * Dry run of a namespace that does not exist yet: the platform namespace its other
   * objects were validated in ({@link ApplyOptions.dryRunNamespace}), or undefined when
   * they were only validated client-side.
   */
  dryRunValidatedIn?: string;
}

/**
 * Applies `manifests` (the namespace first) with server-side apply under one field
 * manager, after {@link guardOwnership} found nothing foreign. Objects after the first
 * are applied concurrently. Reports per object whether it was created, updated or left
 * unchanged (by comparing resourceVersions).
 *
 * @public
 */
export async function applyManifests(
  cluster: KaasCluster,
  manifests: KubernetesManifest[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  const api = cluster.objects();
  const claimed = options.claimedNamespace;
  const before = await guardOwnership(api, manifests, options, claimed?.name);
  const dryRun = options.dryRun ? 'All' : undefined;
  const [first, ...rest] = manifests;
  const namespaceIsNew =
    first?.kind === 'Namespace' && before.get(objectKey(first)) === undefined;

  // Force is safe here: the guard refused every object that is not ours.
  const apply = (manifest: KubernetesManifest) =>
    api.patch(
      manifest,
      undefined,
      dryRun,
      options.fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );

  // A dry run cannot put objects into a namespace that does not exist yet (the API
  // server answers 404 for the namespace). Validate them in the platform's own namespace
  // under a generated name instead: same schema, admission and RBAC checks, no name
  // clash, nothing stored, and never inside another tenant's namespace.
  const validationNamespace =
    options.dryRun && namespaceIsNew ? options.dryRunNamespace : undefined;
  const dryRunCreateIn = async (manifest: KubernetesManifest) => {
    if (!validationNamespace) return undefined;
    const { name: _, ...metadata } = manifest.metadata;
    return api.create(
      {
        ...manifest,
        metadata: {
          ...metadata,
          generateName: `${manifest.metadata.name.slice(0, 40)}-`,
          namespace: validationNamespace,
        },
      },
      undefined,
      'All',
      options.fieldManager,
    );
  };
  const validateElsewhere = async (
    manifest: KubernetesManifest,
  ): Promise<KubernetesObject> => {
    const { name, namespace } = manifest.metadata;
    const accepted = await dryRunCreateIn(manifest);
    if (!accepted) return manifest;
    const {
      uid: _uid,
      generateName: _generateName,
      resourceVersion: _resourceVersion,
      creationTimestamp: _creationTimestamp,
      managedFields: _managedFields,
      ...acceptedMetadata
    } = accepted.metadata ?? {};
    return { ...accepted, metadata: { ...acceptedMetadata, name, namespace } };
  };

  const results: KubernetesObject[] = [];
  if (first?.kind === 'Namespace' && first.metadata.name === claimed?.name) {
    results.push(
      await apply({
        ...first,
        metadata: { ...first.metadata, uid: claimed.uid },
      }),
    );
  } else if (first) results.push(await apply(first));
  results.push(
    ...(await Promise.all(
      rest.map(m =>
        options.dryRun && namespaceIsNew ? validateElsewhere(m) : apply(m),
      ),
    )),
  );

  const objects = manifests.map((manifest, i): AppliedObject => {
    const previous = before.get(objectKey(manifest))?.metadata?.resourceVersion;
    const resourceVersion = options.dryRun
      ? previous
      : results[i].metadata?.resourceVersion;
    let action: AppliedObject['action'] = 'dry-run';
    if (!options.dryRun) {
      if (previous === undefined) action = 'created';
      else action = previous === resourceVersion ? 'unchanged' : 'updated';
    }
    return {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      name: manifest.metadata.name,
      ...(manifest.metadata.namespace
        ? { namespace: manifest.metadata.namespace }
        : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
      action,
    };
  });
  return {
    objects,
    manifests: results,
    ...(validationNamespace ? { dryRunValidatedIn: validationNamespace } : {}),
  };
}
