/** JSON output that can hold CRDT Docs exactly (their integers may exceed 2^53). */
import type { Doc } from "@eidetica/core";
import { Doc as DocClass } from "@eidetica/core";

/**
 * `JSON.stringify(value)`, except that every `Doc` inside is written by `docToJson`, so that
 * big integers in list positions survive (JSON.parse of them would round).
 */
export function stringifyWithDocs(value: unknown, docToJson: (doc: Doc) => string): string {
  const docs: string[] = [];
  // The replacer sees values after `toJSON`; the holder still has the Doc itself.
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
    const original = this[key];
    if (original instanceof DocClass) {
      docs.push(docToJson(original));
      return `\u0000doc${docs.length - 1}\u0000`;
    }
    // Only a string holding U+0000 can spell a placeholder in the output; write such strings
    // through the table as well, so that no value is ever mistaken for one.
    if (typeof item === "string" && item.includes("\u0000")) {
      docs.push(JSON.stringify(item));
      return `\u0000doc${docs.length - 1}\u0000`;
    }
    return item;
  });
  return text.replace(/"\\u0000doc(\d+)\\u0000"/g, (_match, index: string) => docs[Number(index)] ?? "null");
}
