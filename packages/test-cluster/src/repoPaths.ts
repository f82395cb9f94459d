import path from 'node:path';

/** The repository root, found from this file's place in packages/test-cluster/src. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const LOCAL_CLUSTER_DIR = path.join(REPO_ROOT, 'tools/local-cluster');
export const LOCAL_CLUSTER_BIN_DIR = path.join(LOCAL_CLUSTER_DIR, 'bin');
/** The kubectl built from the same Kubernetes module as the control plane. */
export const KUBECTL = path.join(LOCAL_CLUSTER_BIN_DIR, 'kubectl');
