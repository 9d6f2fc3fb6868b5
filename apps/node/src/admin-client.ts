/**
 * The CLI's side of the admin API: runs an operation on the node that serves a data directory,
 * reading its NDJSON reply (progress lines, then the result or a typed error).
 */
import { EideticaError } from "@eidetica/core";
import { AdminError } from "./errors.js";
import type { Progress } from "./operations.js";
import type { RuntimeInfo } from "./runtime-file.js";

/** An operation that failed inside the running node: its code and message, as the node gave them. */
export class NodeOperationError extends EideticaError {
  readonly code: string;
  /** For `BOOTSTRAP_PENDING`: the request's ID on the sharing node. */
  readonly requestId: string | undefined;

  constructor(code: string, message: string, requestId?: string) {
    super(message);
    this.code = code;
    this.requestId = requestId;
  }
}

type Line = { progress?: Progress; result?: unknown; error?: { code: string; message: string; requestId?: string } };

/** Runs `op` on the running node; `onProgress` sees each progress line. */
export async function callNode(runtime: RuntimeInfo, op: string, args: Record<string, unknown>, onProgress?: (progress: Progress) => void): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${runtime.admin}/admin/${op}`, {
      method: "POST",
      headers: { authorization: `Bearer ${runtime.token}`, "content-type": "application/json" },
      body: JSON.stringify(args),
    });
  } catch (error) {
    throw new AdminError(`the node serving this data directory (pid ${runtime.pid}) did not answer at ${runtime.admin}: ${(error as Error).message}`);
  }
  if (response.body === null || !response.ok) {
    const text = await response.text().catch(() => "");
    throw new AdminError(`the node answered ${response.status}: ${text.slice(0, 200)}`);
  }
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        throw new AdminError(`the node answered a line that is not JSON: ${text.slice(0, 200)}`);
      }
      if (line.progress !== undefined) onProgress?.(line.progress);
      else if (line.error !== undefined) throw new NodeOperationError(line.error.code, line.error.message, line.error.requestId);
      else if ("result" in line) return line.result;
    }
  }
  throw new AdminError("the node's reply ended before a result");
}
