import { refreshingCache } from './refreshingCache';

describe('refreshingCache', () => {
  it('serves a value for its TTL, loading it again in the background past half of it', async () => {
    let time = 0;
    let loads = 0;
    let release: () => void = () => {};
    const cache = refreshingCache<number>({ ttlMs: 10_000, now: () => time });
    const loader = () => {
      loads++;
      const value = loads;
      return loads === 1
        ? Promise.resolve(value)
        : new Promise<number>(resolve => {
            release = () => resolve(value);
          });
    };
    expect(await cache.get('k', loader)).toBe(1);
    time = 4_000;
    expect(await cache.get('k', loader)).toBe(1);
    expect(loads).toBe(1);
    // Past half its life: answered from the cache at once, while a load runs.
    time = 6_000;
    expect(await cache.get('k', loader)).toBe(1);
    expect(await cache.get('k', loader)).toBe(1);
    expect(loads).toBe(2);
    release();
    await new Promise(r => setImmediate(r));
    expect(await cache.get('k', loader)).toBe(2);
  });

  it('never serves a value older than its TTL, and shares one load among concurrent misses', async () => {
    let time = 0;
    let loads = 0;
    const cache = refreshingCache<number>({ ttlMs: 10_000, now: () => time });
    const loader = async () => {
      loads++;
      await new Promise(r => setTimeout(r, 5));
      return loads;
    };
    await Promise.all(Array.from({ length: 20 }, () => cache.get('k', loader)));
    expect(loads).toBe(1);
    time = 10_000;
    expect(await cache.get('k', loader)).toBe(2);
  });

  it('keeps only what `keep` allows, and a failed load is not kept', async () => {
    const cache = refreshingCache<string>({
      ttlMs: 10_000,
      keep: v => v !== 'conditional',
    });
    let loads = 0;
    const conditional = async () => {
      loads++;
      return 'conditional';
    };
    await cache.get('c', conditional);
    await cache.get('c', conditional);
    expect(loads).toBe(2);
    await expect(
      cache.get('f', () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    expect(await cache.get('f', async () => 'up')).toBe('up');
  });
});
