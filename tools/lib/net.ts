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

/** Error codes by kind: Node's (errno, getaddrinfo, OpenSSL) and undici's. */
const kinds: readonly (readonly [NetErrorKind, RegExp])[] = [
  ["refused", /^ECONNREFUSED$/],
  ["dns", /^(ENOTFOUND|EAI_(AGAIN|FAIL|NODATA|NONAME))$/],
  ["timeout", /^(ETIMEDOUT|UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT)$/],
  ["reset", /^(ECONNRESET|EPIPE|UND_ERR_(SOCKET|CLOSED))$/],
  ["aborted", /^UND_ERR_ABORTED$/],
  [
    "tls",
    /^(EPROTO|CERT_(HAS_EXPIRED|NOT_YET_VALID)|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)|ERR_(SSL|TLS)_.*)$/,
  ],
];

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
    const code = typeof item.code === "string" ? item.code : "";
    const kind = kinds.find(([, codes]) => codes.test(code))?.[0];
    if (kind !== undefined) return { kind, code };
    if (item.name === "TimeoutError") return { kind: "timeout", code: "TimeoutError" };
    if (item.name === "AbortError") return { kind: "aborted", code: "AbortError" };
  }
  const first = chain(error).next().value;
  const code = first?.code ?? first?.name ?? "unknown";
  return { kind: "other", code: String(code) };
}
