import type {
  ClusterObjects,
  FetchResponse,
  KubernetesFetchError,
} from '@backstage/plugin-kubernetes-common';

type InNamespace = { metadata?: { namespace?: string } };
type MaybeNamespaced = InNamespace & {
  /** Pod metrics (`pod`) and pod status entries (`Pod`) name their pod. */
  pod?: InNamespace;
  Pod?: InNamespace;
};

const NAMESPACE_IN_PATH = /\/namespaces\/([^/?]+)/;

/** The namespace an object of a plugin response lives in; undefined when cluster-scoped. */
export function namespaceOf(object: unknown): string | undefined {
  const o = object as MaybeNamespaced | undefined;
  return (
    o?.metadata?.namespace ??
    o?.pod?.metadata?.namespace ??
    o?.Pod?.metadata?.namespace
  );
}

function namespaceOfError(error: KubernetesFetchError): string | undefined {
  const path = 'resourcePath' in error ? error.resourcePath : undefined;
  return path ? NAMESPACE_IN_PATH.exec(path)?.[1] : undefined;
}

function objectsOf(response: FetchResponse): unknown[] {
  return response.resources as unknown[];
}

/** Every namespace a cluster's objects, pod metrics and errors mention. */
export function namespacesIn(objects: ClusterObjects): Set<string> {
  const found = [
    ...objects.resources.flatMap(r => objectsOf(r).map(namespaceOf)),
    ...objects.podMetrics.map(namespaceOf),
    ...objects.errors.map(namespaceOfError),
  ];
  return new Set(found.filter((ns): ns is string => !!ns));
}

/** `objects` without the objects, pod metrics and errors of the namespaces `hidden` names. */
export function withoutNamespaces(
  objects: ClusterObjects,
  hidden: ReadonlySet<string>,
): ClusterObjects {
  const shown = (ns: string | undefined) => !ns || !hidden.has(ns);
  return {
    ...objects,
    resources: objects.resources.map(
      response =>
        ({
          ...response,
          resources: objectsOf(response).filter(o => shown(namespaceOf(o))),
        } as FetchResponse),
    ),
    podMetrics: objects.podMetrics.filter(m => shown(namespaceOf(m))),
    errors: objects.errors.filter(e => shown(namespaceOfError(e))),
  };
}

/** Whether a cluster entry has anything left to show (the plugin's own rule). */
export function hasContent(objects: ClusterObjects): boolean {
  return (
    objects.errors.length > 0 ||
    objects.resources.some(r => objectsOf(r).length > 0)
  );
}
