/**
 * Benchmarks of sync over iroh on loopback, relays off (`pnpm bench`), beside HTTP measured
 * in the same run. The serving peer runs in a worker thread, with its own event loop as a
 * separate node has (the binding converts bytes on the main thread of each side); the
 * bootstrapping peer runs here, and verifies every entry before it is stored.
 *
 * - bootstrap_iroh_entries_per_s@10000 / @100000: a fresh peer bootstraps a database of that
 *   many pipeline-shaped entries, in pages under iroh's 1 MiB; bootstrap_http_… the same over
 *   HTTP (pages under 4 MiB); the goal is iroh ≥ 0.5 × HTTP.
 * - request_latency_iroh_p50_ms: a small request (a push of no entries) on a warm connection.
 * - iroh_wire_conversion_ms_per_mib: the binding takes bytes as number[]: 1 MiB converted
 *   there and back, the cost every message pays on each side.
 */
import { Worker } from "node:worker_threads";
import { measureMillis, type BenchResult } from "@eidetica/bench-kit";
import { Instance, seededRandom } from "@eidetica/core";
import type { SyncTransport } from "@eidetica/protocol";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { HttpTransport } from "@eidetica/transport-http";
import { IrohTransport, fromWire, toWire } from "../src/index.js";

type Make = (instance: Instance) => SyncTransport;
const iroh: Make = (instance) => new IrohTransport({ secretKey: instance.deviceKey.seed(), relay: "disabled", bind: ["127.0.0.1:0", "[::1]:0"] });
const http: Make = (instance) => new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey });

async function peer(seed: number, make: Make) {
  const instance = await Instance.create({ random: seededRandom(seed) });
  const sync = await Sync.create(instance, { transports: [make(instance)], logger: silentLogger });
  await sync.startServers();
  return { instance, sync, address: sync.serverAddresses()[0]! };
}

/** A message from the serving worker. */
type FromWorker = { readonly ready: true } | { readonly ticket: string; readonly total: number } | { readonly stopped: true };

/**
 * A database of `entries`, served from a worker thread (see server-worker.ts) over HTTP and
 * then over iroh, each bootstrapped by a fresh peer on this thread.
 */
async function bootstrapRates(entries: number, log: (line: string) => void): Promise<{ iroh: number; http: number }> {
  log(`building a ${entries.toLocaleString("en-US")}-entry database in the serving worker…`);
  const worker = new Worker(new URL("./server-worker.mjs", import.meta.url), { workerData: { entries } });
  const inbox: FromWorker[] = [];
  let wake: (() => void) | undefined;
  worker.on("message", (message: FromWorker) => {
    inbox.push(message);
    wake?.();
  });
  const failed = new Promise<never>((_resolve, reject) => worker.once("error", reject));
  const next = async (): Promise<FromWorker> => {
    while (inbox.length === 0) await Promise.race([new Promise<void>((resolve) => (wake = resolve)), failed]);
    return inbox.shift() as FromWorker;
  };
  await next();
  const rates: Record<string, number> = {};
  for (const [name, make] of [["http", http], ["iroh", iroh]] as const) {
    worker.postMessage({ serve: name });
    const served = await next();
    if (!("ticket" in served)) throw new Error("the worker did not serve");
    const client = await peer(2, make);
    const start = performance.now();
    const result = await client.sync.bootstrap(served.ticket);
    const seconds = (performance.now() - start) / 1000;
    if (result.received !== served.total) throw new Error(`${name}: bootstrap received ${result.received} of ${served.total}`);
    log(`bootstrap over ${name}: ${served.total.toLocaleString("en-US")} entries in ${seconds.toFixed(1)} s`);
    rates[name] = served.total / seconds;
    await client.sync.close();
  }
  worker.postMessage({ stop: true });
  await next();
  await worker.terminate();
  return { iroh: rates["iroh"] as number, http: rates["http"] as number };
}

async function requestLatency(): Promise<number> {
  const server = await peer(3, iroh);
  const client = new IrohTransport({ secretKey: new Uint8Array(32).fill(4), relay: "disabled", bind: ["127.0.0.1:0", "[::1]:0"] });
  const request = { kind: "SendEntries" as const, entries: [] };
  for (let i = 0; i < 50; i++) await client.sendRequest(server.address, request);
  const times: number[] = [];
  for (let i = 0; i < 1_000; i++) {
    const start = performance.now();
    await client.sendRequest(server.address, request);
    times.push(performance.now() - start);
  }
  await client.stopServer();
  await server.sync.close();
  times.sort((a, b) => a - b);
  return times[500] as number;
}

export async function irohBenchmarks(log: (line: string) => void): Promise<BenchResult[]> {
  const latency = await requestLatency();
  const mib = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => i % 251);
  const conversion = measureMillis(() => void fromWire(toWire(mib)), 10);
  const small = await bootstrapRates(10_000, log);
  const large = await bootstrapRates(100_000, log);
  return [
    { name: "bootstrap_iroh_entries_per_s@10000", value: small.iroh, unit: "entries/s", goal: `>= ${Math.round(0.5 * small.http)} (0.5 x HTTP)` },
    { name: "bootstrap_http_entries_per_s@10000", value: small.http, unit: "entries/s" },
    { name: "bootstrap_iroh_vs_http@10000", value: small.iroh / small.http, unit: "ratio", goal: ">= 0.5" },
    { name: "bootstrap_iroh_entries_per_s@100000", value: large.iroh, unit: "entries/s", goal: `>= ${Math.round(0.5 * large.http)} (0.5 x HTTP)` },
    { name: "bootstrap_http_entries_per_s@100000", value: large.http, unit: "entries/s" },
    { name: "bootstrap_iroh_vs_http@100000", value: large.iroh / large.http, unit: "ratio", goal: ">= 0.5" },
    { name: "request_latency_iroh_p50_ms", value: latency, unit: "ms (p50)" },
    { name: "iroh_wire_conversion_ms_per_mib", value: conversion, unit: "ms (there and back)" },
  ];
}
