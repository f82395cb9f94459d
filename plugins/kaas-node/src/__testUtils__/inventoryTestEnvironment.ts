import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  repoKaasConfigData,
  testCluster,
  type AdminClusterAccess,
} from '@internal/kaas-test-cluster';

export { capturingLogger } from './capturingLogger';
export {
  adminKubectl as kubectl,
  installCrds,
  SHARED_CRDS,
  writeStatus,
} from '@internal/kaas-test-cluster';

/** A cluster to point the configuration at: the shared test cluster by default. */
export type ClusterAccess = AdminClusterAccess;

export const sharedCluster = (): ClusterAccess => testCluster();

/** The repository's real `kaas` configuration (app-config.yaml) on `cluster`. */
export function inventoryTestConfig(cluster: ClusterAccess = sharedCluster()) {
  return new ConfigReader(repoKaasConfigData(cluster));
}

/** A pod the `restricted` Pod Security level admits, sized within the tenant's LimitRange. */
export function restrictedPod(name: string) {
  return {
    metadata: { name },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'app',
          image: 'busybox',
          command: ['sleep', '3600'],
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m', memory: '512Mi' },
          },
        },
      ],
    },
  };
}

/**
 * Compacts the etcd of a control plane started by the test (its data folder): every
 * resource version before now expires, so a watch resumed from one is answered 410 Gone.
 */
export async function compactEtcd(dataDir: string): Promise<void> {
  const state = JSON.parse(
    fs.readFileSync(path.join(dataDir, 'state.json'), 'utf8'),
  );
  const pki = path.join(dataDir, 'pki');
  const post = async (api: string, body: unknown) => {
    return new Promise<any>((resolve, reject) => {
      const request = https.request(
        {
          host: '127.0.0.1',
          port: state.ports.etcdClient,
          path: api,
          method: 'POST',
          ca: fs.readFileSync(path.join(pki, 'etcd-ca.crt')),
          cert: fs.readFileSync(path.join(pki, 'apiserver-etcd-client.crt')),
          key: fs.readFileSync(path.join(pki, 'apiserver-etcd-client.key')),
        },
        response => {
          let text = '';
          response.on('data', chunk => (text += chunk));
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(JSON.parse(text))
              : reject(new Error(`${api}: ${response.statusCode} ${text}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(body));
    });
  };
  const { header } = await post('/v3/kv/range', { key: 'AA==' });
  await post('/v3/kv/compaction', {
    revision: header.revision,
    physical: true,
  });
}
