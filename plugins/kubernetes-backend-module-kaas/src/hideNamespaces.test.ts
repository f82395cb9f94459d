import type { ClusterObjects } from '@backstage/plugin-kubernetes-common';
import { hasContent, namespacesIn, withoutNamespaces } from './hideNamespaces';

const pod = (namespace: string, name: string) => ({
  metadata: { namespace, name },
});

const objects = {
  cluster: { name: 'local' },
  resources: [
    { type: 'pods', resources: [pod('t-a', 'web'), pod('plain', 'web')] },
    { type: 'customresources', resources: [{ metadata: { name: 'global' } }] },
  ],
  podMetrics: [
    { pod: pod('t-a', 'web'), cpu: {}, memory: {}, containers: [] },
    { pod: pod('plain', 'web'), cpu: {}, memory: {}, containers: [] },
  ],
  errors: [
    {
      errorType: 'NOT_FOUND',
      statusCode: 404,
      resourcePath: '/apis/metrics.k8s.io/v1beta1/namespaces/t-a/pods',
    },
    { errorType: 'FETCH_ERROR', message: 'connection refused' },
  ],
} as unknown as ClusterObjects;

describe('hideNamespaces', () => {
  it('finds the namespaces of objects, pod metrics and error paths', () => {
    expect([...namespacesIn(objects)].sort()).toEqual(['plain', 't-a']);
  });

  it('drops objects, pod metrics and errors of hidden namespaces, keeps the rest', () => {
    const shown = withoutNamespaces(objects, new Set(['t-a']));
    expect(shown.resources).toEqual([
      { type: 'pods', resources: [pod('plain', 'web')] },
      {
        type: 'customresources',
        resources: [{ metadata: { name: 'global' } }],
      },
    ]);
    expect(shown.podMetrics.map(m => m.pod.metadata?.namespace)).toEqual([
      'plain',
    ]);
    expect(shown.errors).toEqual([
      { errorType: 'FETCH_ERROR', message: 'connection refused' },
    ]);
  });

  it('says a cluster entry with nothing left has no content', () => {
    const empty = withoutNamespaces(
      { ...objects, errors: [], resources: [objects.resources[0]] },
      new Set(['t-a', 'plain']),
    );
    expect(hasContent(empty)).toBe(false);
    expect(hasContent(objects)).toBe(true);
  });
});
