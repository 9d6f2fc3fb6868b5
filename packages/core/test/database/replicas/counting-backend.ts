/** A {@link MemoryBackend} that counts entry reads, to show a read really walked the history. */
import { MemoryBackend, type Entry, type ID } from "../../../src/index.js";

export class CountingBackend extends MemoryBackend {
  /** Calls of `getEntry` so far. */
  entryReads = 0;

  override async getEntry(id: ID): Promise<Entry | undefined> {
    this.entryReads++;
    return super.getEntry(id);
  }
}
