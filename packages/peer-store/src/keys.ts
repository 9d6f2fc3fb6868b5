/** Row keys: table keys may not contain dots (they are document paths), so parts are escaped. */

/** The row key of a record identified by `parts`: each part escaped, joined by `~`. */
export function rowKey(...parts: readonly string[]): string {
  return parts.map((part) => (part === "" ? "%" : part.replace(/[%.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))).join("~");
}
