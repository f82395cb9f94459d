import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 250 ms to at most 10 s, jittered to between half and all of it', () => {
    const low = (failures: number) =>
      backoffDelay(failures, undefined, () => 0);
    const high = (failures: number) =>
      backoffDelay(failures, undefined, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(high)).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 10000, 10000,
    ]);
    expect([1, 2, 7, 100].map(low)).toEqual([125, 250, 5000, 5000]);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(3);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });
});
