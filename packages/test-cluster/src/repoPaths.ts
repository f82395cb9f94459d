import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above the working directory with backstage.json. */
function findRepoRoot(): string {
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `No backstage.json above ${process.cwd()}: run tests from the repository`,
      );
    }
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
export const LOCAL_CLUSTER_DIR = path.join(REPO_ROOT, 'tools/local-cluster');
export const LOCAL_CLUSTER_BIN_DIR = path.join(LOCAL_CLUSTER_DIR, 'bin');
/** The kubectl built from the same Kubernetes module as the control plane. */
export const KUBECTL = path.join(LOCAL_CLUSTER_BIN_DIR, 'kubectl');
/** `kubectl kaas-login`, the exec credential plugin of OIDC kubeconfigs (found as kubectl-kaas_login). */
export const KAAS_LOGIN_PLUGIN = path.join(
  REPO_ROOT,
  'packages/kubectl-kaas-login/bin/kubectl-kaas_login.mjs',
);
