/**
 * The metrics sync reports: counters and histograms through an injected {@link Metrics}
 * (Prometheus, OpenTelemetry, a test spy). The default records nothing; {@link memoryMetrics}
 * keeps everything in memory.
 */

/** Labels of one series, such as `{ kind: "SyncTree" }`. */
export type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing count. */
export interface Counter {
  inc(value?: number, labels?: Labels): void;
}

/** A distribution of observed values (latencies, queue depths). */
export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

/** Where metrics go. Called once per name; the instruments are kept and used many times. */
export interface Metrics {
  counter(name: string, help: string): Counter;
  histogram(name: string, help: string): Histogram;
}

/** Records nothing (the default). */
export const noopMetrics: Metrics = Object.freeze({
  counter: () => ({ inc() {} }),
  histogram: () => ({ observe() {} }),
});

/** What {@link memoryMetrics} holds for one series. */
export interface SeriesSnapshot {
  readonly name: string;
  readonly labels: Labels;
  /** For a counter, its value; for a histogram, the number of observations. */
  readonly count: number;
  /** For a histogram, the sum of observations (a counter repeats its value). */
  readonly sum: number;
  /** For a histogram, the largest observation. */
  readonly max: number;
}

/** {@link Metrics} in memory, for tests and small deployments: `snapshot()` lists every series. */
export interface MemoryMetrics extends Metrics {
  snapshot(): SeriesSnapshot[];
  /** The value of a counter (summed over label sets matching `labels`). */
  total(name: string, labels?: Labels): number;
}

/**
 * Metrics kept in memory.
 *
 * @example
 * ```ts
 * const metrics = memoryMetrics();
 * const sync = await Sync.create(instance, { metrics });
 * // … later
 * metrics.total("eidetica_sync_entries_sent_total"); // 12
 * ```
 */
export function memoryMetrics(): MemoryMetrics {
  const series = new Map<string, { name: string; labels: Labels; count: number; sum: number; max: number }>();
  const at = (name: string, labels: Labels = {}) => {
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    let entry = series.get(key);
    if (entry === undefined) series.set(key, (entry = { name, labels: { ...labels }, count: 0, sum: 0, max: Number.NEGATIVE_INFINITY }));
    return entry;
  };
  return {
    counter: (name) => ({
      inc(value = 1, labels) {
        const entry = at(name, labels);
        entry.count += value;
        entry.sum += value;
        entry.max = entry.count;
      },
    }),
    histogram: (name) => ({
      observe(value, labels) {
        const entry = at(name, labels);
        entry.count++;
        entry.sum += value;
        entry.max = Math.max(entry.max, value);
      },
    }),
    snapshot: () => [...series.values()].map((s) => ({ ...s, labels: { ...s.labels } })),
    total(name, labels = {}) {
      let total = 0;
      for (const s of series.values()) {
        if (s.name !== name) continue;
        if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.count;
      }
      return total;
    },
  };
}

/** The instruments sync uses, made once from a {@link Metrics}. */
export interface SyncInstruments {
  readonly requests: Counter;
  readonly requestLatency: Histogram;
  readonly entriesSent: Counter;
  readonly entriesReceived: Counter;
  readonly entriesRejected: Counter;
  readonly bytesSent: Counter;
  readonly bytesReceived: Counter;
  readonly retries: Counter;
  readonly queueDepth: Histogram;
}

/** @internal */
export function instruments(metrics: Metrics): SyncInstruments {
  return {
    requests: metrics.counter("eidetica_sync_requests_total", "Requests sent to peers, by kind and outcome"),
    requestLatency: metrics.histogram("eidetica_sync_request_latency_ms", "Round trip of a request to a peer, in milliseconds"),
    entriesSent: metrics.counter("eidetica_sync_entries_sent_total", "Entries sent to peers"),
    entriesReceived: metrics.counter("eidetica_sync_entries_received_total", "Entries from peers that became visible"),
    entriesRejected: metrics.counter("eidetica_sync_entries_rejected_total", "Entries from peers that failed verification"),
    bytesSent: metrics.counter("eidetica_sync_bytes_sent_total", "Wire bytes of the entries sent"),
    bytesReceived: metrics.counter("eidetica_sync_bytes_received_total", "Wire bytes of the entries received"),
    retries: metrics.counter("eidetica_sync_retries_total", "Retries of failed sends"),
    queueDepth: metrics.histogram("eidetica_sync_queue_depth", "Databases waiting to be pushed to a peer, seen at each enqueue"),
  };
}
