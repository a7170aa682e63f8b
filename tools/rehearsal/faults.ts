/**
 * Faults done to one instance's real processes, without changing the image:
 *
 * - hang: SIGSTOP to the whole process group. The kernel still accepts connections (the listen
 *   backlog) but nothing answers: what a frozen VM or a deadlocked server looks like from outside.
 * - slow: the app process alone is stopped and continued in a cycle, so every request (and every
 *   health check, which reaches the app's /readyz) waits for up to `addedMs`.
 * - unhealthy: the instance's rendered nginx configuration answers /healthz with 503 and is
 *   reloaded; `/` still serves. The same rewrite as the bad-release wrapper, done at run time.
 *
 * Each returns a function that ends the fault (where it can end: a hung instance is replaced).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readinessLine } from "./badRelease";
import { InstanceProcess } from "./instance";
import { childPids, signalGroup } from "./procs";

/** The instance's app process: the supervisor's child that is not nginx. */
export function appPid(instance: InstanceProcess): number {
  for (const pid of childPids(instance.pid)) {
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!cmdline.includes("nginx")) return pid;
  }
  throw new Error(`${instance.id}: no app process under pid ${instance.pid}`);
}

export function hang(instance: InstanceProcess): () => void {
  signalGroup(instance.pid, "SIGSTOP");
  return () => signalGroup(instance.pid, "SIGCONT");
}

/** Stops the app for `addedMs`, lets it run `runMs`, and again, until the returned function runs. */
export function slow(instance: InstanceProcess, addedMs: number, runMs = 20): () => void {
  const pid = appPid(instance);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // The instance is gone; nothing left to slow down.
    }
  };
  const cycle = () => {
    signal("SIGSTOP");
    timer = setTimeout(() => {
      signal("SIGCONT");
      if (!stopped) timer = setTimeout(cycle, runMs);
    }, addedMs);
  };
  cycle();
  return () => {
    stopped = true;
    clearTimeout(timer);
    signal("SIGCONT");
  };
}

/** /healthz answers 503 from now on; `/` keeps serving. Returns the undo. */
export function unhealthy(instance: InstanceProcess): () => void {
  const confPath = join(instance.runtimeDir, "nginx.conf");
  const original = readFileSync(confPath, "utf8");
  if (!original.includes(readinessLine)) {
    throw new Error(`${instance.id}: no '${readinessLine}' in ${confPath}`);
  }
  const reload = (text: string) => {
    writeFileSync(confPath, text);
    const pid = Number(readFileSync(join(instance.runtimeDir, "nginx.pid"), "utf8").trim());
    process.kill(pid, "SIGHUP");
  };
  reload(original.replace(readinessLine, "return 503;"));
  return () => {
    try {
      reload(original);
    } catch {
      // Replaced already: its files are gone.
    }
  };
}
