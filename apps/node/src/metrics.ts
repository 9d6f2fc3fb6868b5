/**
 * Sync's {@link Metrics} on prom-client, for the node's Prometheus `/metrics`: every counter
 * and histogram the engine reports, the process's default metrics, and gauges of the node's
 * databases.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Labels, Logger, Metrics } from "@eidetica/sync-engine";
import type { EideticaNode } from "./node.js";

/** Buckets for latencies in milliseconds, and for everything else (sizes, depths). */
const MS_BUCKETS = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];
const COUNT_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 10_000];

/** {@link Metrics} for Prometheus, with the text exposition of everything registered. */
export interface PrometheusMetrics extends Metrics {
  readonly contentType: string;
  text(): Promise<string>;
  /** Updates the gauges of the node's databases (entries, pending requests, peers). */
  refreshNodeGauges(node: EideticaNode): Promise<void>;
}

/**
 * Makes a series' labels fit the label names its metric was created with (those of its first
 * use): a missing label is empty, an unknown one dropped and logged once.
 */
function fitter(name: string, logger: Logger) {
  let names: string[] | undefined;
  let warned = false;
  return {
    names: (labels: Labels | undefined) => (names ??= Object.keys(labels ?? {}).sort()),
    fit(labels: Labels | undefined): Record<string, string> {
      const out: Record<string, string> = {};
      for (const label of names ?? []) out[label] = labels?.[label] ?? "";
      if (!warned && labels !== undefined && Object.keys(labels).some((label) => !(names ?? []).includes(label))) {
        warned = true;
        logger.warn("a metric was reported with labels it was not created with; extra labels dropped", { metric: name });
      }
      return out;
    },
  };
}

/** A prom-client registry behind sync's metrics interface. */
export function prometheusMetrics(logger: Logger): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "eidetica_node_process_" });
  const entries = new Gauge({ name: "eidetica_node_database_entries", help: "Entries stored per database.", labelNames: ["database"], registers: [registry] });
  const pending = new Gauge({ name: "eidetica_node_pending_requests", help: "Bootstrap requests waiting for approval.", registers: [registry] });
  const peers = new Gauge({ name: "eidetica_node_peers", help: "Peers this node knows.", registers: [registry] });
  return {
    contentType: registry.contentType,
    text: () => registry.metrics(),
    async refreshNodeGauges(node) {
      for (const id of await node.instance.listDatabases()) entries.set({ database: id }, await node.instance.backend.countEntries(id));
      pending.set(node.sync.pendingRequests().length);
      peers.set(node.sync.store.peers.list().length);
    },
    counter(name, help) {
      const labels = fitter(name, logger);
      let metric: Counter | undefined;
      return {
        inc(value = 1, given) {
          metric ??= new Counter({ name, help, labelNames: labels.names(given), registers: [registry] });
          metric.inc(labels.fit(given), value);
        },
      };
    },
    histogram(name, help) {
      const labels = fitter(name, logger);
      let metric: Histogram | undefined;
      return {
        observe(value, given) {
          metric ??= new Histogram({ name, help, labelNames: labels.names(given), buckets: name.endsWith("_ms") ? MS_BUCKETS : COUNT_BUCKETS, registers: [registry] });
          metric.observe(labels.fit(given), value);
        },
      };
    },
  };
}
