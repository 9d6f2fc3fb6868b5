/** HTTP addresses: `host:port`, an IPv6 host in brackets (`[::1]:8080`). */
import { InvalidAddressError } from "./errors.js";

/** The transport kind and address type of HTTP. */
export const HTTP_KIND = "http";

/** `host:port` of a socket's address, or undefined if the socket has none (closed). */
export function socketAddress(host: string | undefined, port: number | undefined): string | undefined {
  if (host === undefined || port === undefined) return undefined;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Splits `host:port` (a bind address such as `127.0.0.1:0` or `[::1]:8080`).
 * @throws {InvalidAddressError} if it is not `host:port` with a port from 0 to 65535.
 */
export function parseHostPort(text: string): { readonly host: string; readonly port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (match === null || host === undefined || !Number.isInteger(port) || port > 65_535) {
    throw new InvalidAddressError(`an HTTP address must be host:port (an IPv6 host in brackets), got ${JSON.stringify(text)}`);
  }
  return { host, port };
}
