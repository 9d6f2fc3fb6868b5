/** The manual-delivery queue operations behind `SimNetwork.deliverOne`, `reorder`, `drop`… */
import { InvalidStateError } from "@eidetica/core";
import type { Message, Wire } from "./wire.js";

/**
 * The queued message at `index`, taken out of the queue unless `remove` is false.
 * @throws {InvalidStateError} if no message is queued there.
 */
export function takeQueued(wire: Wire, index: number, remove = true): Message {
  const message = Number.isInteger(index) ? wire.queue[index] : undefined;
  if (message === undefined) throw new InvalidStateError(`no queued message at index ${index} (${wire.queue.length} queued)`);
  if (remove) wire.queue.splice(index, 1);
  return message;
}

/**
 * Reorders the queue: `order[i]` is the current index of the message to put i-th; without
 * `order`, a seeded Fisher-Yates shuffle. Counts and traces every message that moved.
 * @throws {InvalidStateError} if `order` is not a permutation of the queue's indexes.
 */
export function reorderQueue(wire: Wire, order?: readonly number[]): void {
  const n = wire.queue.length;
  const permutation = order === undefined ? shuffled(wire, n) : [...order];
  const seen = new Set(permutation);
  if (permutation.length !== n || seen.size !== n || permutation.some((i) => !Number.isInteger(i) || i < 0 || i >= n)) {
    throw new InvalidStateError(`reorder needs a permutation of 0..${n - 1}, got [${permutation.join(", ")}]`);
  }
  const before = wire.queue;
  wire.queue = permutation.map((i) => before[i] as Message);
  permutation.forEach((from, to) => {
    if (from !== to) wire.record("reorder", before[from] as Message);
  });
}

function shuffled(wire: Wire, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = wire.randomInt(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
