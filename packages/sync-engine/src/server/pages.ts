/**
 * Exact diffs in pages (DESIGN 4.3, 4.4). What a peer lacks is every entry in the ancestor
 * closure of our tips outside the ancestor closure of its tips (tips we do not hold are
 * ignored), parents first, so any prefix is a page it can store. No response exceeds the
 * message limit; the peer asks again with its new tips.
 *
 * {@link PageCache} remembers the rest of a list it paged, under the tips the peer will have
 * once it stores the page, so the follow-up request of a long bootstrap costs no new walk.
 */
import { LIMITS, LimitExceededError, missingEntries, sortedUniqueIds, type Backend, type Entry, type ID } from "@eidetica/core";
import { entryWireBytes, fitEntries } from "@eidetica/protocol";

interface Remembered {
  readonly rest: readonly Entry[];
  readonly expires: number;
}

/** How many continuations are kept, and for how long. */
const MAX_CONTINUATIONS = 32;
const CONTINUATION_MS = 60_000;

/** @internal */
export class PageCache {
  /** Walks done and walks saved, for tests and metrics. */
  readonly stats = { walks: 0, continued: 0 };
  readonly #remembered = new Map<string, Remembered>();
  readonly #limit: number;

  constructor(limitBytes: number = LIMITS.messageBytes) {
    this.#limit = limitBytes;
  }

  /** The entries of `db` a peer with `peerTips` lacks, parents first. */
  async missing(backend: Backend, db: ID, ourTips: readonly ID[], peerTips: readonly ID[], now: number): Promise<readonly Entry[]> {
    const key = keyOf(db, ourTips, peerTips);
    const remembered = this.#remembered.get(key);
    if (remembered !== undefined && remembered.expires > now) {
      this.#remembered.delete(key);
      this.stats.continued++;
      return remembered.rest;
    }
    this.stats.walks++;
    return missingEntries(backend, db, ourTips, peerTips);
  }

  /**
   * The longest prefix of `list` that fits a response whose other parts take `envelopeBytes`
   * (under this cache's limit, or `maxBytes` if the transport carries less), remembering the
   * rest for the peer's next request.
   * @throws {LimitExceededError} `messageBytes` if not even the first entry fits (an entry whose
   *   JSON form is above the limit cannot be sent in this protocol).
   */
  page(db: ID, ourTips: readonly ID[], peerTips: readonly ID[], list: readonly Entry[], envelopeBytes: number, now: number, maxBytes?: number): Entry[] {
    const limit = Math.min(this.#limit, maxBytes ?? this.#limit);
    const page = fitEntries(list, envelopeBytes, limit);
    const first = list[0];
    if (page.length === 0 && first !== undefined) throw new LimitExceededError("messageBytes", limit, envelopeBytes + entryWireBytes(first));
    if (page.length < list.length) {
      const next = keyOf(db, ourTips, tipsAfter(peerTips, page));
      this.#remembered.delete(next);
      this.#remembered.set(next, { rest: list.slice(page.length), expires: now + CONTINUATION_MS });
      while (this.#remembered.size > MAX_CONTINUATIONS) this.#remembered.delete(this.#remembered.keys().next().value as string);
    }
    return page;
  }
}

function keyOf(db: ID, ourTips: readonly ID[], peerTips: readonly ID[]): string {
  return `${db}|${sortedUniqueIds(ourTips).join(",")}|${sortedUniqueIds(peerTips).join(",")}`;
}

/**
 * The tips a peer holding `tips` has once it stores `page` (a parents-first prefix of what it
 * lacks): the page's entries and its old tips, less every parent of a page entry. An old tip
 * below a page entry is its parent, since the entries between them are in the page too.
 */
export function tipsAfter(tips: readonly ID[], page: readonly Entry[]): ID[] {
  const out = new Set<ID>(tips);
  for (const entry of page) out.add(entry.id);
  for (const entry of page) for (const parent of entry.parents) out.delete(parent);
  return sortedUniqueIds([...out]);
}
