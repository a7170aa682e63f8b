import { exitCodes } from "../lib/errors";

/**
 * Exit codes of `npm run check`, one per way a check can end. Scripts branch on these, so a
 * code keeps its meaning once released; add new ones at the end. 0, 1 and 2 are the tools'
 * scheme (tools/lib/errors.ts); 3-11 predate it and tell the ways a check fails apart.
 */
export const checkExitCodes = {
  ok: { code: exitCodes.ok.code, meaning: "the served version equals the expected one" },
  wrongVersion: { code: exitCodes.failed.code, meaning: "a different version is served" },
  usage: { code: exitCodes.usage.code, meaning: "bad command line" },
  httpStatus: { code: 3, meaning: "HTTP error status (anything but 2xx)" },
  timeout: { code: 4, meaning: "no complete answer within --timeout" },
  connectionRefused: { code: 5, meaning: "connection refused (nothing listening)" },
  dns: { code: 6, meaning: "DNS failure (host name does not resolve)" },
  tls: { code: 7, meaning: "TLS error (handshake or certificate)" },
  network: { code: 8, meaning: "other network error (connection reset, ...)" },
  pulumiMissing: { code: 9, meaning: "--stack needs the pulumi CLI, which is not on PATH" },
  pulumiFailed: { code: 10, meaning: "`pulumi stack output versionUrl` failed or was empty" },
  config: { code: 11, meaning: "cannot read the expected version from Pulumi.<stack>.yaml" },
} as const;

export type CheckOutcome = keyof typeof checkExitCodes;

/** The table as `--help` prints it. */
export function exitCodeTable(): string {
  return Object.values(checkExitCodes)
    .map(({ code, meaning }) => `  ${String(code).padStart(2)}  ${meaning}`)
    .join("\n");
}
