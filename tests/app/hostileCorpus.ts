/**
 * Hostile requests for the image's front door: odd request targets, encodings, methods, sizes and
 * protocol versions, sent as raw bytes so that no client library normalises them first. Used
 * against the app on its own, the app behind nginx (tests/app/hostile.test.ts) and the real
 * image (tests/image/).
 */
import { connect } from "node:net";

export interface HostileRequest {
  readonly name: string;
  readonly bytes: Buffer;
}

const http11 = (requestLine: string, headers: readonly string[] = [], body = ""): Buffer =>
  Buffer.from(
    [requestLine, "Host: 127.0.0.1", "Connection: close", ...headers, "", body].join("\r\n"),
    "latin1",
  );

const get = (target: string): Buffer => http11(`GET ${target} HTTP/1.1`);

/** The request targets `new URL()` threw on, and their neighbours. */
export const hostileTargets: readonly string[] = [
  "//",
  "///",
  "//@",
  "/\\",
  "/\\\\",
  "//example.invalid/",
  "//:99999",
  "/%",
  "/%00",
  "/%zz",
  "/%2e%2e/%2e%2e/etc/passwd",
  "/..%2f..%2fetc%2fpasswd",
  "/?%",
  "/?a=%E0%A4%A",
  "/?&&&==&",
  "/#fragment",
  "/version.txt/..",
  "/healthz?x",
  `/${"a".repeat(7_000)}`,
];

export const hostileRequests: readonly HostileRequest[] = [
  ...hostileTargets.map((target) => ({
    name: `GET ${target.length > 40 ? `${target.slice(0, 20)}… (${target.length} chars)` : target}`,
    bytes: get(target),
  })),
  { name: "absolute-form target", bytes: get("http://127.0.0.1/") },
  { name: "absolute-form target with odd authority", bytes: get("http://@:0/") },
  { name: "asterisk-form target", bytes: http11("OPTIONS * HTTP/1.1") },
  { name: "authority-form CONNECT", bytes: http11("CONNECT 127.0.0.1:3000 HTTP/1.1") },
  { name: "target over nginx's header buffers", bytes: get(`/${"b".repeat(20_000)}`) },
  {
    name: "raw bytes 0xff 0xfe in the path",
    bytes: Buffer.from("GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "latin1"),
  },
  {
    name: "NUL in the path",
    bytes: Buffer.from("GET /\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "latin1"),
  },
  ...["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get"].map((method) => ({
    name: `${method} /`,
    bytes: http11(`${method} / HTTP/1.1`, ["Content-Length: 5"], "hello"),
  })),
  {
    name: "POST with a 2 MiB body",
    bytes: http11("POST / HTTP/1.1", [`Content-Length: ${2 ** 21}`], "x".repeat(2 ** 21)),
  },
  { name: "GET with a body", bytes: http11("GET / HTTP/1.1", ["Content-Length: 4"], "body") },
  { name: "negative Content-Length", bytes: http11("POST / HTTP/1.1", ["Content-Length: -1"]) },
  {
    name: "Content-Length and Transfer-Encoding together",
    bytes: http11(
      "POST / HTTP/1.1",
      ["Content-Length: 3", "Transfer-Encoding: chunked"],
      "0\r\n\r\n",
    ),
  },
  {
    name: "malformed chunked body",
    bytes: http11("POST / HTTP/1.1", ["Transfer-Encoding: chunked"], "zz\r\nhello\r\n"),
  },
  { name: "two Host headers", bytes: http11("GET / HTTP/1.1", ["Host: other.invalid"]) },
  { name: "a 16 KiB header", bytes: http11("GET / HTTP/1.1", [`X-Big: ${"c".repeat(16_384)}`]) },
  {
    name: "200 headers",
    bytes: http11(
      "GET / HTTP/1.1",
      Array.from({ length: 200 }, (_, i) => `X-H${i}: v`),
    ),
  },
  { name: "header without a colon", bytes: http11("GET / HTTP/1.1", ["NoColonHere"]) },
  {
    name: "spoofed forwarding headers",
    bytes: http11("GET / HTTP/1.1", [
      "X-Forwarded-For: 1.2.3.4, <script>",
      "X-Forwarded-Proto: javascript",
    ]),
  },
  { name: "Expect: 100-continue", bytes: http11("GET / HTTP/1.1", ["Expect: 100-continue"]) },
  { name: "HTTP/0.9", bytes: Buffer.from("GET /\r\n", "latin1") },
  { name: "HTTP/1.0 without Host", bytes: Buffer.from("GET / HTTP/1.0\r\n\r\n", "latin1") },
  {
    name: "HTTP/2 preface on HTTP/1",
    bytes: Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1"),
  },
  { name: "HTTP/9.9", bytes: Buffer.from("GET / HTTP/9.9\r\nHost: x\r\n\r\n", "latin1") },
  { name: "empty request", bytes: Buffer.from("\r\n\r\n", "latin1") },
  { name: "TLS ClientHello on plain HTTP", bytes: Buffer.from("16030100a5010000a10303", "hex") },
];

/**
 * Sends raw bytes to 127.0.0.1:port and resolves with what came back (possibly nothing) once the
 * peer closes, or after `timeoutMs`. Never rejects: a reset is an answer too.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: "127.0.0.1", port });
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", finish);
    socket.on("close", finish);
    socket.on("connect", () => socket.write(bytes));
  });
}

/** The status code of a raw HTTP/1.x answer, or undefined when there was none. */
export function statusOf(answer: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return match === null ? undefined : Number(match[1]);
}
