import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readClusterConfigs } from './readClusterConfigs';

describe('readClusterConfigs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-cluster-config-'));
  const tokenFile = path.join(dir, 'token');
  const caFile = path.join(dir, 'ca.crt');
  fs.writeFileSync(tokenFile, 'secret-token\n');
  fs.writeFileSync(
    caFile,
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const valid = () => ({
    name: 'local',
    url: 'https://127.0.0.1:6443',
    caFile,
    roles: ['tenants', 'management'],
    auth: { type: 'tokenFile', tokenFile },
  });
  const read = (clusters: unknown) =>
    readClusterConfigs(new ConfigReader({ kaas: { clusters } } as any));

  it('reads a valid cluster', () => {
    expect(read([valid()])).toEqual([
      {
        name: 'local',
        title: 'local',
        url: 'https://127.0.0.1:6443',
        caFile,
        caData: undefined,
        roles: ['tenants', 'management'],
        auth: { type: 'tokenFile', tokenFile },
        requestTimeoutMs: 20_000,
      },
    ]);
  });

  it('reads how long a request to the cluster may take', () => {
    expect(
      read([{ ...valid(), requestTimeout: '3s' }])[0].requestTimeoutMs,
    ).toBe(3000);
    expect(
      read([{ ...valid(), requestTimeout: { milliseconds: 1500 } }])[0]
        .requestTimeoutMs,
    ).toBe(1500);
    expect(() => read([{ ...valid(), requestTimeout: 'soon' }])).toThrow(
      /^Invalid cluster configuration at 'kaas\.clusters\[0\]\.requestTimeout': .*use e\.g\. '20s'/,
    );
    expect(() => read([{ ...valid(), requestTimeout: '10ms' }])).toThrow(
      "Invalid cluster configuration at 'kaas.clusters[0].requestTimeout': is 10 ms; give requests at least 100 ms",
    );
  });

  it.each<[string, (c: any) => unknown, RegExp]>([
    [
      'no clusters',
      () => undefined,
      /at 'kaas\.clusters': configure at least one cluster/,
    ],
    [
      'bad name',
      c => [{ ...c, name: 'Local_1' }],
      /at 'kaas\.clusters\[0\]\.name': 'Local_1' must be lower case/,
    ],
    [
      'unknown role',
      c => [{ ...c, roles: ['tenants', 'db'] }],
      /at 'kaas\.clusters\[0\]\.roles\[1\]': 'db' is not a cluster role/,
    ],
    ['no roles', c => [{ ...c, roles: [] }], /at 'kaas\.clusters\[0\]\.roles'/],
    [
      'http url',
      c => [{ ...c, url: 'http://127.0.0.1:6443' }],
      /at 'kaas\.clusters\[0\]\.url': .* must use https/,
    ],
    [
      'http public url',
      c => [{ ...c, publicUrl: 'http://k8s.example.com' }],
      /at 'kaas\.clusters\[0\]\.publicUrl': .* must use https/,
    ],
    [
      'not a url',
      c => [{ ...c, url: 'localhost' }],
      /at 'kaas\.clusters\[0\]\.url': 'localhost' is not a URL/,
    ],
    [
      'missing url',
      c => [{ ...c, url: undefined }],
      /at 'kaas\.clusters\[0\]\.url': is required/,
    ],
    [
      'missing token file',
      c => [
        { ...c, auth: { type: 'tokenFile', tokenFile: '/nonexistent/token' } },
      ],
      /at 'kaas\.clusters\[0\]\.auth\.tokenFile': cannot read file '\/nonexistent\/token'/,
    ],
    [
      'unknown auth type',
      c => [{ ...c, auth: { type: 'password' } }],
      /at 'kaas\.clusters\[0\]\.auth\.type': 'password' is not a known auth type/,
    ],
    [
      'in-cluster outside a pod',
      c => [{ ...c, auth: { type: 'inCluster' } }],
      /at 'kaas\.clusters\[0\]\.auth\.type': 'inCluster' only works inside a pod/,
    ],
    [
      'ca not PEM',
      c => [{ ...c, caFile: tokenFile }],
      /at 'kaas\.clusters\[0\]\.caFile': .* holds no PEM certificate/,
    ],
    [
      'both CAs',
      c => [{ ...c, caData: 'x' }],
      /at 'kaas\.clusters\[0\]\.caFile': set either caData or caFile/,
    ],
    [
      'duplicate name',
      c => [c, { ...c }],
      /at 'kaas\.clusters\[1\]\.name': 'local' is already used by kaas\.clusters\[0\]/,
    ],
    [
      'missing kubeconfig context',
      c => [
        {
          ...c,
          auth: {
            type: 'kubeconfig',
            kubeconfigPath: writeKubeconfig(),
            context: 'nope',
          },
        },
      ],
      /at 'kaas\.clusters\[0\]\.auth\.context': context 'nope' is not in/,
    ],
  ])('refuses %s, naming the key', (_, make, message) => {
    expect(() => read(make(valid()))).toThrow(message);
  });

  it('reads the public URL kubeconfigs point users to', () => {
    expect(
      read([{ ...valid(), publicUrl: 'https://k8s.example.com/' }])[0],
    ).toMatchObject({
      url: 'https://127.0.0.1:6443',
      publicUrl: 'https://k8s.example.com',
    });
  });

  it('names the key when a value has the wrong type', () => {
    expect(() => read([{ ...valid(), roles: 'tenants' }])).toThrow(
      /kaas\.clusters\[0\]\.roles/,
    );
  });

  function writeKubeconfig(): string {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
        'current-context: ctx',
      ].join('\n'),
    );
    return file;
  }
});
