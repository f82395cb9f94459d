const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The value of a Kubernetes quantity (`500m` → 0.5, `2Gi` → 2147483648), or undefined. */
export function parseQuantity(
  quantity: string | undefined,
): number | undefined {
  const match = QUANTITY.exec((quantity ?? '').trim());
  if (!match) return undefined;
  const [, number, exponent, suffix] = match;
  const value = Number(number);
  if (exponent) return value * 10 ** Number(exponent.slice(1));
  return value * SUFFIXES[suffix ?? ''];
}

/** used / hard of two quantities; 0 when either is unreadable or hard is 0. */
export function quotaFraction(used: string | undefined, hard: string): number {
  const u = parseQuantity(used ?? '0');
  const h = parseQuantity(hard);
  if (u === undefined || h === undefined || h === 0) return 0;
  return Math.round((u / h) * 1000) / 1000;
}
