/**
 * {@link missingEntries}: what a peer lacks of a stored database, in time that follows the size
 * of the difference rather than of the history (DESIGN 4.3).
 */
import type { Backend } from "../backend/backend.js";
import { MinHeap } from "../dag/heap.js";
import { compareByHeightThenId } from "../dag/order.js";
import type { Entry } from "../entry/entry.js";
import type { ID } from "../id/id.js";

/** Options of {@link missingEntries}. */
export interface MissingEntriesOptions {
  /**
   * After visiting this many entries the walk gives up and asks the backend for the exact
   * difference in one call (`ancestors` with `exclude`), which is cheaper for large
   * differences such as a first sync. Default 4,096.
   */
  readonly walkLimit?: number;
}

const OURS = 1;
const PEER = 2;

/**
 * The entries of database `tree` in the ancestor closure of `ourTips` but not in the closure
 * of `peerTips`, parents first (by height, then ID). Peer tips this backend does not hold
 * are ignored. Exact, like `backend.ancestors(tree, ourTips, { exclude: peerTips })`, because
 * every stored entry is higher than its parents (verify before visible checks it), which
 * lets the walk go down both sides by height and stop as soon as every branch left is one
 * the peer has.
 *
 * @example
 * ```ts
 * // The peer has everything but our last commit:
 * await missingEntries(backend, db.id, await db.tips(), peerTips); // [that commit]
 * ```
 */
export async function missingEntries(
  backend: Backend,
  tree: ID,
  ourTips: readonly ID[],
  peerTips: readonly ID[],
  options: MissingEntriesOptions = {},
): Promise<Entry[]> {
  const limit = options.walkLimit ?? 4_096;
  const entries = new Map<ID, Entry>();
  const flags = new Map<ID, number>();
  const queued = new Set<ID>();
  const heap = new MinHeap<Entry>((a, b) => a.height > b.height);
  let oursOnly = 0;

  const load = async (ids: readonly ID[]): Promise<void> => {
    const wanted = ids.filter((id) => !entries.has(id));
    if (wanted.length === 0) return;
    for (const entry of await backend.getEntries(wanted)) if (entry?.inTree(tree) === true) entries.set(entry.id, entry);
  };
  const mark = (id: ID, flag: number): void => {
    const entry = entries.get(id);
    if (entry === undefined) return;
    const before = flags.get(id) ?? 0;
    const after = before | flag;
    if (after === before) return;
    flags.set(id, after);
    if (queued.has(id)) {
      if ((before & PEER) === 0 && (after & PEER) !== 0) oursOnly--;
      return;
    }
    queued.add(id);
    if ((after & PEER) === 0) oursOnly++;
    heap.push(entry);
  };

  await load([...ourTips, ...peerTips]);
  if (!peerTips.some((id) => entries.has(id))) return backend.ancestors(tree, ourTips);
  for (const id of peerTips) mark(id, PEER);
  for (const id of ourTips) mark(id, OURS);
  while (oursOnly > 0) {
    if (flags.size > limit) return backend.ancestors(tree, ourTips, { exclude: peerTips });
    const next = heap.pop();
    if (next === undefined) break;
    queued.delete(next.id);
    const flag = flags.get(next.id) ?? 0;
    if ((flag & PEER) === 0) oursOnly--;
    await load(next.parents);
    for (const parent of next.parents) mark(parent, flag);
  }
  const missing: Entry[] = [];
  for (const [id, flag] of flags) if (flag === OURS) missing.push(entries.get(id) as Entry);
  return missing.sort(compareByHeightThenId);
}
