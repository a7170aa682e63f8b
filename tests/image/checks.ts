/**
 * What must hold for a running image, as lists of problems (empty when it holds), so the tests
 * can show each check failing on a bad value as well as passing on the real image.
 */
import type { ProcessInfo } from "./container";

/** Every process runs as the expected uid and gid, in no other group, with no capabilities. */
export function userProblems(
  processes: readonly ProcessInfo[],
  expected: { uid: number; gid: number; noNewPrivileges: boolean },
): string[] {
  const problems: string[] = [];
  if (processes.length === 0) problems.push("no processes");
  for (const p of processes) {
    const name = `pid ${p.pid} (${p.command})`;
    if (p.uids.length !== 4 || p.uids.some((u) => u !== expected.uid)) {
      problems.push(`${name}: uids ${p.uids.join(",")}, expected ${expected.uid}`);
    }
    if (p.gids.length !== 4 || p.gids.some((g) => g !== expected.gid)) {
      problems.push(`${name}: gids ${p.gids.join(",")}, expected ${expected.gid}`);
    }
    if (p.groups.some((g) => g !== expected.gid)) {
      problems.push(`${name}: supplementary groups ${p.groups.join(",")}`);
    }
    if (!/^0+$/.test(p.capEff)) problems.push(`${name}: effective capabilities ${p.capEff}`);
    if (expected.noNewPrivileges && !p.noNewPrivs) problems.push(`${name}: no_new_privs is off`);
  }
  return problems;
}

/** Paths written in the container's writable places that are not the runtime directory. */
export function writeProblems(paths: readonly string[], runtimeDir: string): string[] {
  const dir = runtimeDir.replace(/\/+$/, "");
  return paths
    .filter((p) => p !== dir && !p.startsWith(`${dir}/`))
    .map((p) => `${p}: written outside RUNTIME_DIR (${dir})`);
}
