/** `eidetica init`: creates the node's keys and SQLite store, and saves the given settings. */
import { existsSync, writeFileSync } from "node:fs";
import type { ConfigLayer, NodeConfig } from "./config.js";
import { configFile } from "./config.js";
import { openNode, storeFile } from "./node.js";

/** What `init` reports. */
export interface InitResult {
  readonly id: string;
  readonly dataDir: string;
  /** False if the data directory held a node already (it is left as it was). */
  readonly created: boolean;
}

/**
 * Creates a node in `config.dataDir`; `settings` (from the command line) are saved in its
 * `config.json` for later runs. A directory holding a node already is reported, not changed.
 */
export async function initNode(config: NodeConfig, settings: ConfigLayer): Promise<InitResult> {
  const existed = existsSync(storeFile(config.dataDir));
  const node = await openNode(config, { create: true });
  const id = node.instance.id;
  await node.close();
  if (!existed && Object.keys(settings).length > 0 && !existsSync(configFile(config.dataDir))) {
    writeFileSync(configFile(config.dataDir), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  }
  return { id, dataDir: config.dataDir, created: !existed };
}
