import { ExpiringMap } from './ExpiringMap';

describe('ExpiringMap', () => {
  it('forgets an entry once its time to live has passed', () => {
    let now = 1_000;
    const map = new ExpiringMap<string, number>(60_000, () => now);
    map.set('local/t-a', 1);
    expect(map.get('local/t-a')).toBe(1);
    now += 59_999;
    expect(map.get('local/t-a')).toBe(1);
    now += 1;
    expect(map.get('local/t-a')).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('drops lapsed entries of other keys when one is set, so it stays bounded as tenants come and go', () => {
    let now = 0;
    const map = new ExpiringMap<string, number>(60_000, () => now);
    for (let i = 0; i < 1000; i++) {
      map.set(`local/t-gone-${i}`, i);
      now += 10;
    }
    expect(map.size).toBe(1000);
    now += 60_000;
    map.set('local/t-new', 1);
    expect(map.size).toBe(1);
    expect(map.get('local/t-gone-999')).toBeUndefined();
  });

  it('deletes on request', () => {
    const map = new ExpiringMap<string, string>(60_000);
    map.set('a', 'x');
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
  });
});
