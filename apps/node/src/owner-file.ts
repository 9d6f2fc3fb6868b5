/** Small files of the data directory, written whole or not at all and readable by their owner only. */
import { renameSync, writeFileSync } from "node:fs";

/** Writes `text` to `path` atomically (a temporary file renamed over it), mode 0600. */
export function writeOwnerFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
