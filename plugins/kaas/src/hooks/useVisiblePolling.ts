import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';

/** Options of {@link useVisiblePolling}. */
export interface VisiblePollingOptions {
  /** Time between two loads while they succeed. Default 10 s. */
  intervalMs?: number;
  /** Longest wait after repeated failures (the wait doubles per failure). Default 2 min. */
  maxBackoffMs?: number;
}

/** State of {@link useVisiblePolling}. */
export interface VisiblePollingState<T> {
  /** The last value loaded; kept while a later load fails. */
  value?: T;
  /** The last load's error; cleared by the next success. */
  error?: Error;
  /** True until the first load ends. */
  loading: boolean;
  /** When `value` was loaded. */
  loadedAt?: Date;
  /** Loads now (unless a load is running) and restarts the interval. */
  refresh: () => void;
}

function pageVisible(): boolean {
  return (
    typeof document === 'undefined' || document.visibilityState !== 'hidden'
  );
}

/**
 * Calls `load` now and then every `intervalMs` while the page is visible: never two loads
 * at once, no loads while the browser tab is hidden (one on return when due), and a
 * doubling wait after failures so a broken backend is not hammered. `deps` restart it.
 */
export function useVisiblePolling<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  options: VisiblePollingOptions = {},
): VisiblePollingState<T> {
  const intervalMs = options.intervalMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 120_000;
  const [state, setState] = useState<Omit<VisiblePollingState<T>, 'refresh'>>({
    loading: true,
  });
  const refreshRef = useRef<() => void>(() => {});

  useEffect(() => {
    let active = true;
    let inFlight = false;
    let failures = 0;
    let lastStart = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ loading: true });

    const delay = () =>
      failures === 0
        ? intervalMs
        : Math.min(intervalMs * 2 ** failures, maxBackoffMs);

    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = undefined;
      if (active && pageVisible()) timer = setTimeout(tick, ms);
    };

    async function tick() {
      if (!active || inFlight) return;
      clearTimeout(timer);
      timer = undefined;
      inFlight = true;
      lastStart = Date.now();
      try {
        const value = await load();
        if (!active) return;
        failures = 0;
        setState({ value, loading: false, loadedAt: new Date() });
      } catch (e) {
        if (!active) return;
        failures += 1;
        const error = e instanceof Error ? e : new Error(String(e));
        setState(previous => ({ ...previous, error, loading: false }));
      } finally {
        inFlight = false;
      }
      schedule(delay());
    }

    const onVisibilityChange = () => {
      if (!pageVisible()) {
        clearTimeout(timer);
        timer = undefined;
      } else if (!inFlight && !timer) {
        schedule(Math.max(0, lastStart + delay() - Date.now()));
      }
    };

    refreshRef.current = () => {
      if (inFlight) return;
      failures = 0;
      tick();
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    tick();
    return () => {
      active = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
    // `load` is recreated on every render; `deps` say when it really changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, intervalMs, maxBackoffMs]);

  const refresh = useCallback(() => refreshRef.current(), []);
  return { ...state, refresh };
}
