import { act, renderHook } from '@testing-library/react';
import { useVisiblePolling } from './useVisiblePolling';

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** A load that the test settles by hand, to see overlapping calls. */
function manualLoad() {
  const pending: Array<{
    resolve: (v: number) => void;
    reject: (e: Error) => void;
  }> = [];
  const load = jest.fn(
    () =>
      new Promise<number>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  );
  return { load, pending };
}

async function flush() {
  await act(async () => {
    await Promise.resolve();
  });
}

describe('useVisiblePolling', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    setVisibility('visible');
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads at once and then every interval, never while a load runs', async () => {
    const { load, pending } = manualLoad();
    const { result } = renderHook(() =>
      useVisiblePolling(load, [], { intervalMs: 10_000 }),
    );
    expect(load).toHaveBeenCalledTimes(1);
    expect(result.current.loading).toBe(true);

    // The first load is slow: no second one starts meanwhile.
    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    expect(load).toHaveBeenCalledTimes(1);

    pending[0].resolve(1);
    await flush();
    expect(result.current.value).toBe(1);
    expect(result.current.loading).toBe(false);

    await act(async () => {
      jest.advanceTimersByTime(9_999);
    });
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => {
      jest.advanceTimersByTime(1);
    });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('stops while the page is hidden and loads when it is shown again', async () => {
    const { load, pending } = manualLoad();
    renderHook(() => useVisiblePolling(load, [], { intervalMs: 10_000 }));
    pending[0].resolve(1);
    await flush();

    act(() => setVisibility('hidden'));
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(load).toHaveBeenCalledTimes(1);

    act(() => setVisibility('visible'));
    await act(async () => {
      jest.advanceTimersByTime(0);
    });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps the last value on failure and waits twice as long after each failure', async () => {
    const { load, pending } = manualLoad();
    const { result } = renderHook(() =>
      useVisiblePolling(load, [], { intervalMs: 10_000, maxBackoffMs: 40_000 }),
    );
    pending[0].resolve(1);
    await flush();

    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    pending[1].reject(new Error('backend down'));
    await flush();
    expect(result.current.value).toBe(1);
    expect(result.current.error?.message).toBe('backend down');

    // First failure: 20 s.
    await act(async () => {
      jest.advanceTimersByTime(19_999);
    });
    expect(load).toHaveBeenCalledTimes(2);
    await act(async () => {
      jest.advanceTimersByTime(1);
    });
    expect(load).toHaveBeenCalledTimes(3);
    pending[2].reject(new Error('backend down'));
    await flush();

    // Second failure: 40 s, the cap.
    await act(async () => {
      jest.advanceTimersByTime(39_999);
    });
    expect(load).toHaveBeenCalledTimes(3);
    await act(async () => {
      jest.advanceTimersByTime(1);
    });
    expect(load).toHaveBeenCalledTimes(4);
    pending[3].resolve(2);
    await flush();
    expect(result.current.value).toBe(2);
    expect(result.current.error).toBeUndefined();
  });

  it('stops polling when unmounted', async () => {
    const { load, pending } = manualLoad();
    const { unmount } = renderHook(() =>
      useVisiblePolling(load, [], { intervalMs: 10_000 }),
    );
    pending[0].resolve(1);
    await flush();
    unmount();
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(load).toHaveBeenCalledTimes(1);
  });
});
