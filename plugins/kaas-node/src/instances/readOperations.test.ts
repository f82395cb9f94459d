import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { REPO_ROOT } from '@internal/kaas-test-cluster';
import { parse } from 'yaml';
import { loadCapabilities, readCapabilities } from './readCapabilities';

const shipped = parse(
  fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
).kaas.capabilities;

const withOperation = (operation: Record<string, unknown>) => ({
  test: {
    title: 'Test',
    parameters: {
      type: 'object',
      properties: { replicas: { type: 'integer' } },
    },
    plans: { small: { title: 'Small', parameters: { replicas: 1 } } },
    objects: [
      {
        apiVersion: 'example.com/v1',
        kind: 'Thing',
        metadata: { name: '${{ instance.name }}' },
      },
    ],
    readiness: { condition: { type: 'Ready', status: 'True' } },
    operations: {
      snap: {
        title: 'Snapshot',
        parameters: {
          type: 'object',
          properties: { keep: { type: 'string' } },
        },
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Snapshot',
            metadata: { name: '${{ instance.name }}-${{ run.name }}' },
            spec: {
              of: '${{ instance.name }}',
              keep: '${{ parameters.keep }}',
            },
          },
        ],
        ...operation,
      },
    },
  },
});

const read = (capabilities: unknown) =>
  readCapabilities(new ConfigReader({ kaas: { capabilities } } as never));

describe('operations of kaas.capabilities', () => {
  it('reads the shipped PostgreSQL backup and backup schedule, run by owners, with strict parameter checks', () => {
    const [loaded] = loadCapabilities(
      new ConfigReader({
        kaas: { capabilities: { postgresql: shipped.postgresql } },
      }),
    );
    const operations = loaded.capability.operations!;
    expect(Object.keys(operations)).toEqual(['backup', 'backup-schedule']);
    expect(operations.backup).toMatchObject({
      runBy: 'owners',
      readiness: { field: { path: 'status.phase', equals: 'completed' } },
    });
    const schedule = loaded.operationChecks['backup-schedule'];
    expect(schedule({ schedule: '0 0 2 * * *' })).toEqual({
      parameters: { schedule: '0 0 2 * * *', method: 'volumeSnapshot' },
      problems: [],
    });
    expect(schedule({ schedule: '@daily' }).problems).toEqual([]);
    expect(
      schedule({ schedule: '0 2 * * *' }).problems.map(p => p.message),
    ).toEqual([
      expect.stringContaining("parameter 'schedule' must match pattern"),
    ]);
    expect(
      loaded.operationChecks
        .backup({ methd: 'x' })
        .problems.map(p => p.message),
    ).toEqual(["parameter 'methd' is not allowed here"]);
  });

  it('defaults runBy to owners and a parameterless operation to no parameters', () => {
    const [capability] = read(
      withOperation({
        parameters: undefined,
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Snapshot',
            metadata: { name: '${{ run.operation }}-${{ run.name }}' },
          },
        ],
      }),
    );
    expect(capability.operations!.snap.runBy).toBe('owners');
  });

  it.each([
    [
      'an unknown key',
      { retries: 3 },
      "'kaas.capabilities.test.operations.snap': Unrecognized key",
    ],
    [
      'an unknown runBy',
      { runBy: 'everyone' },
      "'kaas.capabilities.test.operations.snap.runBy'",
    ],
    [
      'parameters that allow unknown keys',
      {
        parameters: {
          type: 'object',
          properties: {},
          additionalProperties: true,
        },
      },
      "'kaas.capabilities.test.operations.snap.parameters.additionalProperties': must be false or left out",
    ],
    [
      'a placeholder of a parameter the operation does not have',
      {
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Snapshot',
            metadata: { name: '${{ parameters.replicas }}' },
          },
        ],
      },
      "'kaas.capabilities.test.operations.snap.objects[0].metadata.name': unknown placeholder '${{ parameters.replicas }}': the parameter schema has no property 'replicas' (it has: keep)",
    ],
    [
      'an unknown run placeholder',
      {
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Snapshot',
            metadata: { name: '${{ run.id }}' },
          },
        ],
      },
      "'kaas.capabilities.test.operations.snap.objects[0]': unknown placeholder '${{ run.id }}'; use one of ${{ run.name }}, ${{ run.operation }}",
    ],
    [
      'a readiness object it does not have',
      {
        readiness: {
          object: 2,
          field: { path: 'status.phase', equals: 'done' },
        },
      },
      "'kaas.capabilities.test.operations.snap.readiness.object': there is no object 2 (the operation has 1)",
    ],
    [
      'an object of the kind instances are found by',
      {
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Thing',
            metadata: { name: '${{ run.name }}' },
          },
        ],
      },
      "'kaas.capabilities.test.operations.snap.objects[0].kind': is a Thing like the capability's readiness object",
    ],
    [
      'a namespace',
      {
        objects: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
        ],
      },
      "'kaas.capabilities.test.operations.snap.objects[0].kind': operations may not create namespaces",
    ],
  ])('refuses %s, naming the key', (_, change, message) => {
    expect(() => read(withOperation(change))).toThrow(message);
  });

  it('refuses an operation name that cannot be a label value', () => {
    const config = withOperation({});
    (config.test.operations as any).Snap_1 = config.test.operations.snap;
    expect(() => read(config)).toThrow(
      "'kaas.capabilities.test.operations.Snap_1': the operation name must be lowercase letters",
    );
  });
});
