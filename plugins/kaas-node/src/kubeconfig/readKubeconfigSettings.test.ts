import { ConfigReader } from '@backstage/config';
import { readKubeconfigSettings } from './readKubeconfigSettings';

const read = (kaas: Record<string, unknown>) =>
  readKubeconfigSettings(new ConfigReader({ kaas } as any));

describe('readKubeconfigSettings', () => {
  it('defaults to tokens of 1 h, at most 8 h, and no OIDC', () => {
    expect(read({})).toEqual({ defaultTtlSeconds: 3600, maxTtlSeconds: 28800 });
  });

  it.each([
    ['8h', 28800],
    ['90 minutes', 5400],
    ['PT2H30M', 9000],
    [{ hours: 2, minutes: 30 }, 9000],
    ['1d', 86400],
  ])('reads maxTtl %j as %i s', (maxTtl, seconds) => {
    expect(read({ kubeconfig: { maxTtl } }).maxTtlSeconds).toBe(seconds);
  });

  it('keeps the default TTL within a short maximum', () => {
    expect(read({ kubeconfig: { maxTtl: '30m' } })).toEqual({
      defaultTtlSeconds: 1800,
      maxTtlSeconds: 1800,
    });
    expect(
      read({ kubeconfig: { maxTtl: '12h', defaultTtl: { hours: 2 } } }),
    ).toEqual({ defaultTtlSeconds: 7200, maxTtlSeconds: 43200 });
  });

  it.each([
    [
      { kubeconfig: { maxTtl: '5m' } },
      "Invalid kubeconfig configuration at 'kaas.kubeconfig.maxTtl': is 5 min; tokens live at least 10 minutes (the TokenRequest API's minimum)",
    ],
    [
      { kubeconfig: { defaultTtl: '9h' } },
      "Invalid kubeconfig configuration at 'kaas.kubeconfig.defaultTtl': is 9 h, longer than kaas.kubeconfig.maxTtl (8 h)",
    ],
    [
      { kubeconfig: { maxTtl: 'soon' } },
      /^Invalid kubeconfig configuration at 'kaas.kubeconfig.maxTtl': Invalid duration 'soon': Not a valid duration string, .*; use e.g. '8h', '90 minutes', 'PT8H' or \{ hours: 8 \}$/,
    ],
    [
      { kubeconfig: { defaultTtl: { hourz: 1 } } },
      /^Invalid kubeconfig configuration at 'kaas.kubeconfig.defaultTtl': Needs one or more of 'years', .*'milliseconds'; use e.g. '8h'/,
    ],
    [
      { oidc: { issuerUrl: 'http://sso.example.com', clientId: 'k8s' } },
      "Invalid kubeconfig configuration at 'kaas.oidc.issuerUrl': 'http://sso.example.com' must use https: kube-apiserver only trusts https issuers",
    ],
    [
      { oidc: { issuerUrl: 'https://sso.example.com', clientId: ' ' } },
      "Invalid kubeconfig configuration at 'kaas.oidc.clientId': must not be empty",
    ],
    [
      {
        oidc: {
          issuerUrl: 'https://sso.example.com',
          clientId: 'k8s',
          extraScopes: ['email', 'two words'],
        },
      },
      "Invalid kubeconfig configuration at 'kaas.oidc.extraScopes[1]': 'two words' is not an OAuth scope (one word, no spaces or quotes)",
    ],
    [
      {
        oidc: {
          issuerUrl: 'https://sso.example.com',
          clientId: 'k8s',
          caData: 'LS0t',
          caFile: '/etc/ssl/sso.pem',
        },
      },
      "Invalid kubeconfig configuration at 'kaas.oidc.caFile': give caData or caFile, not both",
    ],
  ])('refuses %j, naming the key', (kaas, message) => {
    expect(() => read(kaas)).toThrow(message);
  });

  it('reads kaas.oidc', () => {
    expect(
      read({
        oidc: {
          issuerUrl: 'https://sso.example.com/realms/main',
          clientId: 'kubernetes',
          extraScopes: ['groups'],
        },
      }).oidc,
    ).toEqual({
      issuerUrl: 'https://sso.example.com/realms/main',
      clientId: 'kubernetes',
      extraScopes: ['groups'],
    });
  });
});
