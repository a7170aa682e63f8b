import { lookup as dnsLookup, LookupAddress, LookupOptions } from "node:dns";

/** The lookup signature net.connect accepts (and undici passes through to it). */
export type Lookup = (
  hostname: string,
  options: LookupOptions,
  callback: (
    error: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
) => void;

/**
 * dns.lookup, except that names under `.invalid` fail at once without a query, as RFC 6761
 * §6.4 asks of resolver libraries. glibc does not do this, so without it such a name would
 * be sent to the configured (possibly remote) resolver.
 */
export const lookup: Lookup = (hostname, options, callback) => {
  if (/(^|\.)invalid\.?$/i.test(hostname)) {
    const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    error.code = "ENOTFOUND";
    error.syscall = "getaddrinfo";
    process.nextTick(() => callback(error, options.all === true ? [] : ""));
    return;
  }
  // dns.lookup has one overload per options shape; this forwards whichever was asked for.
  (dnsLookup as unknown as Lookup)(hostname, options, callback);
};

export type NetErrorKind = "timeout" | "refused" | "dns" | "tls" | "reset" | "aborted" | "other";

const byCode: Readonly<Record<string, NetErrorKind>> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NODATA: "dns",
  EAI_NONAME: "dns",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  UND_ERR_CLOSED: "reset",
  UND_ERR_ABORTED: "aborted",
  EPROTO: "tls",
  CERT_HAS_EXPIRED: "tls",
  CERT_NOT_YET_VALID: "tls",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  SELF_SIGNED_CERT_IN_CHAIN: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls",
};

/** The error itself, its causes, and an AggregateError's members (Happy Eyeballs). */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const item = queue.shift();
    if (typeof item !== "object" || item === null || seen.has(item)) continue;
    seen.add(item);
    const record = item as Record<string, unknown>;
    yield record;
    queue.push(record.cause);
    if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
  }
}

/** What went wrong with a request, plus the most specific code found, for the message. */
export function classifyError(error: unknown): { kind: NetErrorKind; code: string } {
  for (const item of chain(error)) {
    const code = typeof item.code === "string" ? item.code : undefined;
    if (code !== undefined) {
      const kind = byCode[code];
      if (kind !== undefined) return { kind, code };
      if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) return { kind: "tls", code };
    }
    if (item.name === "TimeoutError") return { kind: "timeout", code: "TimeoutError" };
    if (item.name === "AbortError") return { kind: "aborted", code: "AbortError" };
  }
  const first = chain(error).next().value;
  const code = first?.code ?? first?.name ?? "unknown";
  return { kind: "other", code: String(code) };
}
