/** How long a reading is fresh, and which readings are failures (never fresh: read again next time). */
export interface KeepPolicy<T> {
  maxAgeMs: number;
  failed?: (value: T) => boolean;
}

/**
 * A reading that changes rarely and costs much (the Kubernetes version, the nodes' pod ranges, a sample
 * of proxies' EDS), kept on the cluster's state (ClusterState):
 *  - younger than the policy's max age, it is served as kept;
 *  - older, it is still served while the next one is read in the background (the next request sees it);
 *  - with nothing kept under the asked key (what the reading is of), the read is awaited.
 * The last read started is shared by every caller asking its key; asking another key starts that key's
 * read at once (the earlier read still lands, and the later landing wins).
 * The latest reading wins, failures included (a failure says why until the next read), but a failed
 * reading is never fresh. A reading that lands after clear() is dropped.
 */
export class KeptReading<T> {
  #kept: { key: string; value: T; readAt: number } | null = null;
  #next: { key: string; promise: Promise<T> } | null = null;
  #generation = 0;

  /** Whether get() would read for the kept key: nothing kept, or the kept reading is old and none is in flight (any key's). */
  due(policy: KeepPolicy<T>): boolean {
    return !this.#kept || (this.#old(this.#kept.readAt, policy) && !this.#next);
  }

  /** The kept reading, whatever its age (null when none). */
  peek(): T | null {
    return this.#kept?.value ?? null;
  }

  /**
   * `read` is told whether it runs in the background (a reading is kept and served meanwhile): an awaited
   * read belongs to the caller's request, and takes its deadline; a background one outlives it.
   */
  get(policy: KeepPolicy<T>, read: (background: boolean) => Promise<T>, key = ''): Promise<T> {
    const kept = this.#kept?.key === key ? this.#kept : null;
    const inFlight = this.#next?.key === key ? this.#next.promise : null;
    if (kept && (!this.#old(kept.readAt, policy) || inFlight)) return Promise.resolve(kept.value);
    const next = inFlight ?? this.#start(policy, () => read(kept !== null), key);
    if (!kept) return next;
    next.catch(() => {}); // a background read's failure leaves the kept reading old: read again next time
    return Promise.resolve(kept.value);
  }

  /** Keeps a reading obtained otherwise, as read at `readAt`. */
  keep(value: T, readAt = Date.now(), key = ''): void {
    this.#kept = { key, value, readAt };
  }

  clear(): void {
    this.#kept = null;
    this.#next = null;
    this.#generation++;
  }

  #old(readAt: number, policy: KeepPolicy<T>): boolean {
    return Date.now() - readAt >= policy.maxAgeMs;
  }

  #start(policy: KeepPolicy<T>, read: () => Promise<T>, key: string): Promise<T> {
    const generation = this.#generation;
    const settle = () => {
      if (generation === this.#generation && this.#next?.promise === promise) this.#next = null;
    };
    const promise: Promise<T> = read().then(
      (value) => {
        settle();
        if (generation === this.#generation) this.keep(value, policy.failed?.(value) ? 0 : Date.now(), key);
        return value;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    this.#next = { key, promise };
    return promise;
  }
}
