/**
 * Annotated hex for hand-checked byte vectors: whitespace and `#` comments to the end of a
 * line are ignored, so each CBOR item can sit on its own line with its meaning beside it.
 */
export function annotatedHex(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((acc, part, i) => acc + part + (i < values.length ? String(values[i]) : ""), "");
  return text
    .split("\n")
    .map((line) => line.replace(/#.*$/, ""))
    .join("")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/** Hex of an ASCII string, for spelling CBOR text strings in vectors. */
export function asciiHex(text: string): string {
  return [...text].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}
