/**
 * A debounced call: runs `fn` once `ms` after the last `schedule`. `cancel`
 * drops a pending call (component teardown, or the value was applied already).
 */
export interface Debounced<A extends unknown[]> {
  schedule(...args: A): void;
  cancel(): void;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule(...args: A) {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        fn(...args);
      }, ms);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
