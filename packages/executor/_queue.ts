/**
 * A first-in, first-out lock: requests run one after another in arrival order. A waiter whose
 * signal aborts leaves the line at once; closing rejects everyone still waiting.
 *
 * @module
 */

interface Waiter {
  grant(release: () => void): void;
  reject(e: unknown): void;
}

/** FIFO lock with abortable waits. */
export class FifoLock {
  #held = false;
  #line: Waiter[] = [];
  #closed: Error | null = null;

  /** Number of callers waiting (not counting the holder). */
  get waiting(): number {
    return this.#line.length;
  }

  /** Waits for the lock; resolves with its release function. Rejects on abort or close. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.#line.indexOf(waiter);
        if (i >= 0) this.#line.splice(i, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#line.push(waiter);
    });
  }

  /** Rejects every waiter and every later `acquire` with `error`. */
  close(error: Error): void {
    this.#closed = error;
    for (const w of this.#line.splice(0)) w.reject(error);
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#line.shift();
      if (next) next.grant(this.#releaser());
      else this.#held = false;
    };
  }
}
