/**
 * The HTTP client side: one undici `Agent` with keep-alive connections per server, a request
 * with an `AbortSignal` and a timeout, and a response body read up to a limit (reading stops
 * there). Every failure is a `TransportError` with its `failure` kind.
 */
import { TransportError, type TransportFailure } from "@eidetica/protocol";
import { Agent, errors as undiciErrors, request } from "undici";

/** Options of the client side of {@link HttpTransport}. */
export interface HttpClientOptions {
  /** How long an idle keep-alive connection is kept, in milliseconds. Default 30,000. */
  readonly keepAliveMs?: number;
  /** Connections at most to one server. Default 8. */
  readonly connectionsPerServer?: number;
  /** Time allowed to connect, in milliseconds. Default 10,000. */
  readonly connectTimeoutMs?: number;
}

/** A response as read: its status and body. */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

/** @internal Posts bodies to `http://<host:port>/api/v0` over kept-alive connections. */
export class HttpClient {
  readonly #options: HttpClientOptions;
  #agent: Agent | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.#options = options;
  }

  #dispatcher(): Agent {
    this.#agent ??= new Agent({
      keepAliveTimeout: this.#options.keepAliveMs ?? 30_000,
      keepAliveMaxTimeout: this.#options.keepAliveMs ?? 30_000,
      connections: this.#options.connectionsPerServer ?? 8,
      connect: { timeout: this.#options.connectTimeoutMs ?? 10_000 },
      // The caller's timeout governs; undici's own 300 s defaults would only mask a hang.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return this.#agent;
  }

  /**
   * Posts `body` and reads the reply, at most `maxBytes` of it.
   * @throws {TransportError} `unreachable`, `timeout`, `aborted`, `closed`, `too_large` or `protocol`.
   */
  async post(
    hostPort: string,
    path: string,
    body: Uint8Array,
    headers: Record<string, string>,
    options: { readonly signal?: AbortSignal; readonly timeoutMs?: number; readonly maxBytes: number },
  ): Promise<HttpReply> {
    if (options.signal?.aborted === true) throw new TransportError("the request was aborted", "aborted");
    const controller = new AbortController();
    let why: TransportFailure | undefined;
    const onAbort = () => {
      why ??= "aborted";
      controller.abort();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            why ??= "timeout";
            controller.abort();
          }, options.timeoutMs);
    try {
      const response = await request(`http://${hostPort}${path}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...headers },
        dispatcher: this.#dispatcher(),
        signal: controller.signal,
      });
      const contentType = response.headers["content-type"];
      const length = Number(response.headers["content-length"] ?? Number.NaN);
      if (length > options.maxBytes) {
        response.body.destroy();
        throw new TransportError(`a response of ${length} bytes, above the limit of ${options.maxBytes}`, "too_large");
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > options.maxBytes) {
          response.body.destroy();
          throw new TransportError(`a response above the limit of ${options.maxBytes} bytes`, "too_large");
        }
        chunks.push(chunk);
      }
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      return { status: response.statusCode, contentType: typeof contentType === "string" ? contentType : undefined, body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      if (why !== undefined) throw new TransportError(why === "timeout" ? `no response within ${options.timeoutMs} ms` : "the request was aborted", why, { cause: error });
      throw new TransportError(`http://${hostPort}: ${describe(error)}`, failureOf(error), { cause: error });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Closes every kept-alive connection; a later request opens new ones. */
  async close(): Promise<void> {
    const agent = this.#agent;
    this.#agent = undefined;
    await agent?.close();
  }
}

/** Network errors: refused or unresolvable is `unreachable`, a connection cut is `closed`. */
function failureOf(error: unknown): TransportFailure {
  if (error instanceof undiciErrors.ConnectTimeoutError) return "unreachable";
  if (error instanceof undiciErrors.SocketError || error instanceof undiciErrors.ClientClosedError || error instanceof undiciErrors.ClientDestroyedError) return "closed";
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EAI_AGAIN") return "unreachable";
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return "closed";
  return "protocol";
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" ? `${code}: ${message}` : message;
}
