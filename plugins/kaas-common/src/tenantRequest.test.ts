import {
  describeTenantRequestIssues,
  tenantNamespaceName,
  tenantRequestSchema,
} from './tenantRequest';

describe('tenantRequestSchema', () => {
  const schema = tenantRequestSchema({
    rules: {
      namespacePrefix: 't-',
      reservedNames: ['platform', 't-shared'],
      platformNamespace: 't-kaas-platform',
    },
    profiles: ['small', 'medium'],
    clusters: ['local', 'mgmt'],
    allowedLabelPrefixes: ['example.com/', 'cost', 'team'],
    allowedAnnotationPrefixes: ['example.com/', 'note'],
  });
  const valid = {
    name: 'team-a-dev',
    owner: 'team-a',
    isolation: 'namespace',
    profile: 'small',
  };
  const problems = (input: unknown) => {
    const result = schema.safeParse(input);
    return result.success
      ? undefined
      : describeTenantRequestIssues(result.error);
  };

  it('normalises a valid request', () => {
    expect(
      schema.parse({
        ...valid,
        cluster: 'mgmt',
        description: 'Development tenant of team A',
        labels: { 'example.com/z': 'b', cost: 'a-1' },
        annotations: { 'example.com/doc': 'see "the wiki": {x: 1}' },
      }),
    ).toEqual({
      ...valid,
      owner: 'group:default/team-a',
      cluster: 'mgmt',
      description: 'Development tenant of team A',
      labels: { cost: 'a-1', 'example.com/z': 'b' },
      annotations: { 'example.com/doc': 'see "the wiki": {x: 1}' },
    });
    expect(
      tenantNamespaceName('team-a-dev', {
        namespacePrefix: 't-',
        reservedNames: [],
      }),
    ).toBe('t-team-a-dev');
  });

  it.each([
    ['team-a', 'group:default/team-a'],
    ['group:team-a', 'group:default/team-a'],
    ['group:default/team-a', 'group:default/team-a'],
    ['Group:Default/team-a', 'group:default/team-a'],
    ['group:org/Team_A.x', 'group:org/Team_A.x'],
  ])('normalises owner %j to %j', (owner, expected) => {
    expect(schema.parse({ ...valid, owner }).owner).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['upper case', { name: 'Team-A' }, /^name: 'Team-A' must be lower case/],
    [
      'underscore',
      { name: 'team_a' },
      /^name: .*may contain only lower-case letters/,
    ],
    [
      'leading dash',
      { name: '-team' },
      /^name: .*must start and end with a letter or digit/,
    ],
    [
      'trailing dash',
      { name: 'team-' },
      /^name: .*must start and end with a letter or digit/,
    ],
    ['empty name', { name: '' }, /^name: .*must not be empty/],
    [
      'too long with prefix',
      { name: 'a'.repeat(62) },
      /^name: .*62 characters long; with the namespace prefix 't-' the limit is 61/,
    ],
    ['missing name', { name: undefined }, /^name: is required/],
    ['reserved default', { name: 'default' }, /^name: 'default' is reserved/],
    [
      'reserved kube-*',
      { name: 'kube-system' },
      /^name: 'kube-system' is reserved/,
    ],
    [
      'reserved kube- prefix',
      { name: 'kube-foo' },
      /^name: 'kube-foo' is reserved/,
    ],
    [
      'reserved kaas-system',
      { name: 'kaas-system' },
      /^name: 'kaas-system' is reserved/,
    ],
    [
      'configured reserved',
      { name: 'platform' },
      /^name: 'platform' is reserved/,
    ],
    [
      'reserved after prefixing',
      { name: 'shared' },
      /^name: 't-shared' is reserved/,
    ],
    [
      "the platform's -xaas suffix",
      { name: 'team-b-dev-xaas' },
      /^name: 'team-b-dev-xaas' ends in '-xaas', which the platform uses for the namespaces of another tenant's XaaS instances/,
    ],
    [
      "the platform's own namespace",
      { name: 'kaas-platform' },
      /^name: 't-kaas-platform' is the platform's own namespace; choose another name/,
    ],
    ['newline injection', { name: 'a\nb' }, /^name: /],
    ['yaml injection', { name: 'a: {b: c}' }, /^name: /],
    [
      'user owner',
      { owner: 'user:default/alice' },
      /^owner: must be a group.*'user:default\/alice' is a user/,
    ],
    [
      'bad owner name',
      { owner: 'group:default/team a' },
      /^owner: .*not a valid group reference/,
    ],
    ['owner with quote', { owner: 'team"a' }, /^owner: /],
    [
      'bad isolation',
      { isolation: 'pod' },
      /^isolation: must be one of: namespace, vcluster, cluster/,
    ],
    [
      'unknown profile',
      { profile: 'huge' },
      /^profile: 'huge' is not a tenant profile; choose one of: small, medium/,
    ],
    [
      'unknown cluster',
      { cluster: 'prod' },
      /^cluster: 'prod' is not a configured cluster; choose one of: local, mgmt/,
    ],
    [
      'long description',
      { description: 'x'.repeat(301) },
      /^description: is 301 characters long; the limit is 300/,
    ],
    [
      'multi-line description',
      { description: 'a\nkind: Secret' },
      /^description: must be a single line/,
    ],
    ['unknown field', { extra: 1 }, /extra/],
    [
      'label key with our prefix',
      { labels: { 'kaas.internal/tenant': 'x' } },
      /^labels\.kaas\.internal\/tenant: key .* only the platform sets/,
    ],
    [
      'label key Pod Security',
      { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
      /^labels\..*is under 'kubernetes\.io\/'/,
    ],
    [
      'label key k8s.io',
      { labels: { 'k8s.io/x': 'y' } },
      /is under 'k8s\.io\/'/,
    ],
    [
      'label key of an add-on, outside the allowed prefixes',
      { labels: { 'istio.io/rev': 'canary' } },
      /^labels\.istio\.io\/rev: key 'istio\.io\/rev' may not be set by a tenant; use a key starting with 'example\.com\/', 'cost', 'team', e\.g\. example\.com\/rev \(the platform team can allow more in kaas\.tenants\.allowedLabelPrefixes\)/,
    ],
    [
      'unprefixed label key outside the allowed prefixes',
      { labels: { 'istio-injection': 'enabled' } },
      /^labels\.istio-injection: key 'istio-injection' may not be set by a tenant/,
    ],
    [
      'annotation key outside the allowed prefixes',
      { annotations: { 'sidecar.istio.io/inject': 'false' } },
      /^annotations\.sidecar\.istio\.io\/inject: .*use a key starting with 'example\.com\/', 'note'.*kaas\.tenants\.allowedAnnotationPrefixes/,
    ],
    [
      'label key invalid',
      { labels: { 'a b': 'x' } },
      /^labels\.a b: key 'a b' must consist of/,
    ],
    [
      'label key bad prefix',
      { labels: { 'Example.com/a': 'x' } },
      /prefix that is not a lower-case DNS subdomain/,
    ],
    [
      'label key long name',
      { labels: { [`x/${'a'.repeat(64)}`]: 'x' } },
      /name of 64 characters; the limit is 63/,
    ],
    [
      'label value newline',
      { labels: { team: 'a\nb: c' } },
      /^labels\.team: value of 'team' must be empty or consist of/,
    ],
    ['label value quote', { labels: { team: '"a"' } }, /value of 'team'/],
    [
      'label value long',
      { labels: { team: 'a'.repeat(64) } },
      /value of 'team' is 64 characters long/,
    ],
    [
      'label value not a string',
      { labels: { team: 1 } },
      /^labels\.team: every label value must be a string/,
    ],
    [
      'annotation key our prefix',
      { annotations: { 'kaas.internal/owner': 'group:default/team-b' } },
      /only the platform sets/,
    ],
    [
      'annotation value too big',
      { annotations: { note: 'x'.repeat(4097) } },
      /value of 'note' is 4097 bytes long; the limit is 4096/,
    ],
    [
      'annotation value newline',
      { annotations: { note: 'a\nb' } },
      /value of 'note' must not contain control characters/,
    ],
  ])('refuses %s', (_, change, message) => {
    expect(problems({ ...valid, ...change })).toMatch(message);
  });

  it('uses the configured mark prefix for the refused keys', () => {
    const custom = tenantRequestSchema({
      rules: { namespacePrefix: '', reservedNames: [] },
      profiles: ['small'],
      clusters: [],
      markPrefix: 'platform.example.com',
      // Allowing a prefix never opens the platform's own keys.
      allowedLabelPrefixes: ['kaas.internal/', 'platform.example.com/', 'sub.'],
    });
    expect(
      custom.safeParse({ ...valid, labels: { 'kaas.internal/x': 'y' } })
        .success,
    ).toBe(true);
    expect(
      custom.safeParse({ ...valid, labels: { 'platform.example.com/x': 'y' } })
        .success,
    ).toBe(false);
    expect(
      custom.safeParse({
        ...valid,
        labels: { 'sub.platform.example.com/x': 'y' },
      }).success,
    ).toBe(false);
    // without a prefix the whole name may be 63 characters
    expect(custom.safeParse({ ...valid, name: 'a'.repeat(63) }).success).toBe(
      true,
    );
  });
});
