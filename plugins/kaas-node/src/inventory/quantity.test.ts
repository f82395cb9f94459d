import { parseQuantity, quotaFraction } from './quantity';

describe('Kubernetes quantities', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['4Gi', 4 * 2 ** 30],
    ['1k', 1000],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['0', 0],
  ])('reads %s', (quantity, value) => {
    expect(parseQuantity(quantity)).toBe(value);
  });

  it('refuses what is no quantity', () => {
    expect(parseQuantity('lots')).toBeUndefined();
    expect(parseQuantity('')).toBeUndefined();
  });

  it('gives the used fraction of a quota, 0 when it cannot be known', () => {
    expect(quotaFraction('1', '20')).toBe(0.05);
    expect(quotaFraction('1Gi', '4Gi')).toBe(0.25);
    expect(quotaFraction('250m', '2')).toBe(0.125);
    expect(quotaFraction(undefined, '2')).toBe(0);
    expect(quotaFraction('1', '0')).toBe(0);
  });
});
