import { readFileSync } from "node:fs";

/**
 * Same shape as `appVersion` in the stack settings (stacks/settings.ts). Repeated here rather
 * than imported because the image is built from `app/` alone, without the Pulumi program.
 */
export const versionPattern = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** Throws unless `value` is a version such as 1.0.6 or 1.1.0-rc.1. */
export function assertVersion(value: string, what: string): string {
  if (!versionPattern.test(value)) {
    throw new Error(
      `${what}: expected a version such as 1.0.6 or 1.1.0-rc.1; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Reads the version baked into `version.txt`. The file is the single source of truth: nginx
 * serves it byte for byte, and the supervisor hands the same value to nginx's `X-App-Version`
 * header and to the app, so the three can never disagree.
 */
export function readVersionFile(path: string): string {
  const text = readFileSync(path, "utf8");
  if (!text.endsWith("\n") || text.indexOf("\n") !== text.length - 1) {
    throw new Error(
      `${path}: expected the version followed by one newline; got ${JSON.stringify(text)}`,
    );
  }
  return assertVersion(text.slice(0, -1), path);
}
