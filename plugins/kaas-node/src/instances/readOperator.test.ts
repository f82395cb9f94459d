import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { REPO_ROOT } from '@internal/kaas-test-cluster';
import { parse } from 'yaml';
import { readCapabilities } from './readCapabilities';

const shipped = parse(
  fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
).kaas.capabilities;

const withOperator = (operator: unknown) => ({
  ...shipped.postgresql,
  operator,
});

const read = (operator: unknown) =>
  readCapabilities(
    new ConfigReader({
      kaas: { capabilities: { pg: withOperator(operator) } },
    } as never),
  )[0];

describe('kaas.capabilities.<id>.operator', () => {
  it('reads the operators shipped in app-config.yaml', () => {
    const capabilities = readCapabilities(
      new ConfigReader({ kaas: { capabilities: shipped } } as never),
    );
    expect(capabilities.map(c => c.operator)).toEqual([
      {
        name: 'CloudNativePG',
        deployment: {
          namespace: 'cnpg-system',
          name: 'cnpg-controller-manager',
        },
        actsWithinSeconds: 60,
      },
      {
        name: 'MOCO',
        deployment: { namespace: 'moco-system', name: 'moco-controller' },
        actsWithinSeconds: 60,
      },
      {
        name: 'Vitess',
        deployment: { selector: 'app=vitess-operator' },
        actsWithinSeconds: 60,
      },
      {
        name: 'Strimzi',
        deployment: { namespace: 'kafka', name: 'strimzi-cluster-operator' },
        actsWithinSeconds: 60,
      },
    ]);
  });

  it('defaults actsWithin to 60 s and reads durations', () => {
    expect(read({ name: 'CloudNativePG' }).operator).toEqual({
      name: 'CloudNativePG',
      actsWithinSeconds: 60,
    });
    expect(
      read({ name: 'CloudNativePG', actsWithin: { minutes: 2 } }).operator
        ?.actsWithinSeconds,
    ).toBe(120);
  });

  it.each([
    [{}, "'kaas.capabilities.pg.operator.name'"],
    [
      { name: 'X', actsWithin: 'soon' },
      "'kaas.capabilities.pg.operator.actsWithin': .*use e.g. '60s'",
    ],
    [
      { name: 'X', actsWithin: '0s' },
      "'kaas.capabilities.pg.operator.actsWithin': is 0 s; give the operator at least 1 s",
    ],
    [
      { name: 'X', deployment: { namespace: 'a' } },
      "'kaas.capabilities.pg.operator.deployment': needs exactly one of name \\(with namespace\\) and selector",
    ],
    [
      { name: 'X', deployment: { name: 'op' } },
      "'kaas.capabilities.pg.operator.deployment': needs the namespace of the Deployment named by name",
    ],
    [{ name: 'X', image: 'op' }, "'kaas.capabilities.pg.operator'"],
  ])('refuses %j naming the key', (operator, message) => {
    expect(() => read(operator)).toThrow(new RegExp(message));
  });
});
