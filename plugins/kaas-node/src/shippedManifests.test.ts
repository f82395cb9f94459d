import fs from 'node:fs';
import path from 'node:path';

// The package ships the RBAC manifests an adopter applies to each cluster; the local
// control plane applies its own copies (embedded in tools/local-cluster). They must be
// the same files.
const shipped = path.resolve(__dirname, '../manifests');
const applied = path.resolve(
  __dirname,
  '../../../tools/local-cluster/manifests',
);

describe('the RBAC manifests shipped in the package', () => {
  it('are the very files the local control plane applies', () => {
    const names = fs.readdirSync(applied).sort();
    expect(fs.readdirSync(shipped).sort()).toEqual(names);
    for (const name of names) {
      expect({
        name,
        same: fs
          .readFileSync(path.join(shipped, name))
          .equals(fs.readFileSync(path.join(applied, name))),
      }).toEqual({ name, same: true });
    }
  });
});
