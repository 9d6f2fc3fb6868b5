/** {@link Bans}: timed bans of senders that sent too many invalid requests (reliability R6). */
import type { Clock } from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";
import type { Ban } from "./types.js";

/**
 * Timed bans. A ban is a record with an end, so it never blocks a sender forever; an expired
 * ban reads as none.
 *
 * @example
 * ```ts
 * await store.bans.ban("key:ed25519:…", 5 * 60_000, "64 invalid requests");
 * store.bans.active("key:ed25519:…")?.until;
 * ```
 */
export class Bans {
  readonly #tables: SyncTables;
  readonly #clock: Clock;

  /** @internal */
  constructor(tables: SyncTables, clock: Clock) {
    this.#tables = tables;
    this.#clock = clock;
  }

  /** The ban of `subject` in force now, if any. */
  active(subject: string): Ban | undefined {
    const ban = this.#tables.get("bans", rowKey(subject));
    return ban !== undefined && ban.until > this.#clock.nowMillis() ? ban : undefined;
  }

  /** Every ban in force now. */
  list(): Ban[] {
    const now = this.#clock.nowMillis();
    return [...this.#tables.rows("bans").values()].filter((b) => b.until > now).sort((a, b) => a.until - b.until || (a.subject < b.subject ? -1 : 1));
  }

  /** Bans `subject` for `durationMs` from now. */
  async ban(subject: string, durationMs: number, reason: string): Promise<Ban> {
    const now = this.#clock.nowMillis();
    const ban: Ban = { subject, since: now, until: now + Math.max(0, Math.round(durationMs)), reason: reason.slice(0, 200) };
    const write = put("bans", rowKey(subject), ban);
    return this.#tables.write(() => ({ writes: [write], result: write.value }));
  }

  /** Lifts a ban (and forgets expired ones); returns false if `subject` had no record. */
  async lift(subject: string): Promise<boolean> {
    return this.#tables.write(() => {
      const had = this.#tables.get("bans", rowKey(subject)) !== undefined;
      return { writes: had ? [put("bans", rowKey(subject), undefined)] : [], result: had };
    });
  }
}
