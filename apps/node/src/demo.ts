#!/usr/bin/env node
/**
 * The demo `npm start` runs: two writers edit one document concurrently; their signed entries
 * cross the wire as JSON, are verified, and their CRDT changes merge to one state.
 * (The reference node replaces this once storage and sync exist.)
 */
import { pathToFileURL } from "node:url";
import {
  Doc,
  EntryBuilder,
  SigningKey,
  docFromJson,
  docToJsonBytes,
  encodeEntryMetadata,
  encodeWireEntry,
  findTips,
  fromUtf8,
  parseWireEntry,
  signEntry,
  systemRandom,
  randomU64,
  topologicalOrder,
  verifyEntrySignature,
  type Entry,
  type Random,
} from "@eidetica/core";

/** What the demo produced, for tests and for printing. */
export interface DemoResult {
  readonly lines: string[];
  readonly merged: Doc;
  readonly tips: string[];
}

/** Runs the demo with the given randomness and returns its report. */
export function runDemo(random: Random = systemRandom): DemoResult {
  const lines: string[] = [];
  const say = (line: string) => lines.push(line);

  const alice = SigningKey.generate(random);
  const bob = SigningKey.generate(random);
  say(`alice  ${alice.publicKey}`);
  say(`bob    ${bob.publicKey}`);

  // The database root: its settings grant Alice Admin and Bob Write.
  const settings = Doc.from({ name: "shared notes" })
    .set(`auth.keys.${alice.publicKey}`, Doc.atomic().set("permissions", Doc.from({ type: "Admin", priority: 0 })).set("status", "Active"))
    .set(`auth.keys.${bob.publicKey}`, Doc.atomic().set("permissions", Doc.from({ type: "Write", priority: 10 })).set("status", "Active"));
  const root = signEntry(
    EntryBuilder.root()
      .storeData("_root", new TextEncoder().encode('""'))
      .storeData("_settings", docToJsonBytes(settings))
      .metadata(encodeEntryMetadata({ settingsTips: [], entropy: randomU64(random) }))
      .build(),
    alice,
  );
  say(`root   ${root.id}`);

  // Two concurrent writes on top of the root, one by each writer.
  const write = (key: SigningKey, doc: Doc): Entry =>
    signEntry(
      new EntryBuilder(root.id)
        .parents([root.id])
        .height(1)
        .storeData("notes", docToJsonBytes(doc))
        .storeParents("notes", [])
        .metadata(encodeEntryMetadata({ settingsTips: [root.id], entropy: null }))
        .build(),
      key,
    );
  const byAlice = write(alice, Doc.from({ title: "Groceries", items: { milk: 1 } }));
  const byBob = write(bob, Doc.from({ title: "Shopping", items: { bread: 2 } }));

  // Each entry crosses the wire as JSON; the receiver recomputes IDs and checks signatures.
  const received = [byAlice, byBob].map((entry) => parseWireEntry(encodeWireEntry(entry)));
  for (const entry of received) {
    const who = entry.id === byAlice.id ? "alice" : "bob";
    say(`entry  ${entry.id}  by ${who}, signature ${verifyEntrySignature(entry) ? "valid" : "INVALID"}`);
  }

  // Merge: fold the store's entries in (height, ID) order, the same on every replica.
  const all = new Map([root, ...received].map((entry) => [entry.id, entry]));
  const view = { parents: (id: string) => all.get(id)?.parents, height: (id: string) => all.get(id)?.height };
  let merged = new Doc();
  for (const id of topologicalOrder([...all.keys()], view)) {
    const data = all.get(id)?.storeData("notes");
    if (data !== undefined) merged = merged.merge(docFromJson(data));
  }
  const tips = findTips([...all.keys()], view);
  say(`tips   ${tips.join(", ")}`);
  say(`merged ${fromUtf8(docToJsonBytes(merged))}`);
  say(`plain  ${JSON.stringify(merged.toPlain())}`);
  return { lines, merged, tips };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log("Eidetica demo: two writers, one document, signed entries, merged state\n");
  for (const line of runDemo().lines) console.log(line);
}
