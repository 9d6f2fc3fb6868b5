/**
 * Helpers to watch entries arrive: {@link whenStored} waits for one entry on an instance, and
 * {@link commitToVisible} measures how long a peer takes to see each of a series of commits
 * (the push latency of a transport, engine included).
 */
import type { Database, ID, Instance } from "@eidetica/core";

/** Resolves when `instance` holds entry `id` (at once if it already does). */
export function whenStored(instance: Instance, id: ID): Promise<void> {
  return new Promise((resolve) => {
    const off = instance.onWrite((event) => {
      if (!event.ids.includes(id)) return;
      off();
      resolve();
    });
    void instance.backend.hasEntry(id).then((held) => {
      if (!held) return;
      off();
      resolve();
    });
  });
}

/**
 * Commits `commits` small writes to `db`, one after another, and measures for each the
 * milliseconds from the start of the commit until `to` has stored and announced it (pushed by
 * the writer's running engine). `warmup` commits first are not measured. Returns the times
 * sorted, ready for quantiles.
 *
 * @example
 * ```ts
 * const times = await commitToVisible(db, bob.instance, 1_000);
 * const p99 = times[Math.floor(0.99 * times.length)];
 * ```
 */
export async function commitToVisible(db: Database, to: Instance, commits: number, warmup = 50): Promise<number[]> {
  // An entry's ID is known only when its commit returns, and the push may land before that.
  const landed = new Set<ID>();
  let waiting: { id: ID; resolve: () => void } | undefined;
  const off = to.onWrite((event) => {
    for (const id of event.ids) {
      landed.add(id);
      if (waiting?.id === id) waiting.resolve();
    }
  });
  const times: number[] = [];
  try {
    for (let round = -warmup; round < commits; round++) {
      const start = performance.now();
      const id = await db.withTransaction(async (txn) => (await txn.docStore("latency")).set("round", round));
      if (!landed.has(id)) await new Promise<void>((resolve) => (waiting = { id, resolve }));
      if (round >= 0) times.push(performance.now() - start);
      landed.clear();
    }
  } finally {
    off();
  }
  return times.sort((a, b) => a - b);
}
