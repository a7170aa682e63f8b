/**
 * The same runs with Docker, where `docker info` succeeds (a developer's laptop, a GitHub
 * runner): the arrangement is turned back into `docker run` flags. Not exercised on the build
 * machines, which have no Docker engine.
 *
 * One difference from the chroot runner: Docker has no Fargate bind mount. A path the image
 * declares as a VOLUME gets an anonymous volume, which Docker fills with the image's contents
 * and ownership; a path it does not declare gets a root-owned 0755 tmpfs, the empty volume
 * Fargate would mount.
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { run, runText } from "../lib/exec";
import type { Arrangement } from "./arrangements";
import type { Exit, ProcessInfo, RunOptions, RunningContainer } from "./container";
import type { BuiltImage } from "./engine";

const docker = (args: readonly string[]) => runText("docker", args);

export function dockerRunFlags(
  image: BuiltImage,
  arrangement: Arrangement,
  env: Record<string, string>,
  name: string,
): string[] {
  const flags = ["--detach", "--name", name, "--hostname", `standin-${arrangement.cloud}`];
  flags.push(
    "--publish",
    `127.0.0.1::${arrangement.port}`,
    "--stop-timeout",
    String(arrangement.stopTimeoutSeconds),
  );
  if (arrangement.user !== undefined) flags.push("--user", arrangement.user);
  if (arrangement.readOnlyRoot) flags.push("--read-only");
  if (arrangement.noNewPrivileges) flags.push("--security-opt", "no-new-privileges");
  if (arrangement.init) flags.push("--init");
  for (const cap of arrangement.capDrop) flags.push("--cap-drop", cap);
  for (const mount of arrangement.mounts) {
    if (mount.kind === "tmpfs") {
      flags.push("--tmpfs", mount.options === "" ? mount.path : `${mount.path}:${mount.options}`);
    } else if (image.config.volumes.includes(mount.path)) {
      flags.push("--mount", `type=volume,dst=${mount.path}${mount.readOnly ? ",readonly" : ""}`);
    } else {
      flags.push("--tmpfs", `${mount.path}:mode=0755,uid=0,gid=0`);
    }
  }
  for (const [key, value] of Object.entries(env)) flags.push("--env", `${key}=${value}`);
  return [...flags, image.ref];
}

export async function runDockerContainer(
  options: RunOptions,
  statusOf: (pid: number) => ProcessInfo | undefined,
  waitForHealthy: (c: RunningContainer, timeoutMs: number) => Promise<void>,
): Promise<RunningContainer> {
  const { image, arrangement } = options;
  const name = `ha-image-${arrangement.cloud}-${randomBytes(4).toString("hex")}`;
  const cloudEnv = { ...arrangement.env, ...options.extraEnv };
  await docker(["run", ...dockerRunFlags(image, arrangement, cloudEnv, name)]);
  const close = async () => {
    await docker(["rm", "--force", "--volumes", name]).catch(() => undefined);
  };
  try {
    const inspect = JSON.parse(await docker(["inspect", name])) as {
      State: { Pid: number };
      Config: { Env: string[] };
    }[];
    const state = inspect[0];
    if (state === undefined) throw new Error(`${name}: not found`);
    const env = Object.fromEntries(
      state.Config.Env.map((line) => [
        line.slice(0, line.indexOf("=")),
        line.slice(line.indexOf("=") + 1),
      ]),
    );
    const port =
      (await docker(["port", name, String(arrangement.port)])).trim().split("\n")[0] ?? "";
    let output = "";
    const logs: ChildProcess = spawn("docker", ["logs", "--follow", name], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    logs.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    logs.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const exited: Promise<Exit> = docker(["wait", name]).then((code) => ({
      code: Number(code.trim()),
      signal: null,
    }));
    const [uid = 0, gid = 0] = (arrangement.user ?? image.config.user).split(":").map(Number);
    const exec = async (cmd: readonly string[]) => {
      const result = await run("docker", ["exec", name, ...cmd]);
      return { code: result.code ?? -1, output: result.stdout + result.stderr };
    };
    const container: RunningContainer = {
      arrangement,
      baseUrl: `http://${port}`,
      pid: state.State.Pid,
      env,
      uid,
      gid,
      output: () => output,
      exited,
      signal: (signal) => void docker(["kill", "--signal", signal, name]).catch(() => undefined),
      // `docker top` lists host PIDs; their /proc/PID/status is readable without root.
      processes: async () =>
        (await docker(["top", name, "-o", "pid"]))
          .split("\n")
          .slice(1)
          .filter(Boolean)
          .map(Number)
          .map(statusOf)
          .filter((p): p is ProcessInfo => p !== undefined),
      writtenPaths: async () => {
        const places = [...arrangement.mounts.map((m) => m.path), "/dev/shm"];
        return (await exec(["find", ...places, "-mindepth", "1"])).output
          .split("\n")
          .filter(Boolean);
      },
      rootMountOptions: async () =>
        (await exec(["cat", "/proc/self/mountinfo"])).output
          .split("\n")
          .find((l) => l.split(" ")[4] === "/")
          ?.split(" ")[5] ?? "",
      exec,
      close: async () => {
        logs.kill();
        await close();
      },
    };
    if (options.waitForHealthy !== false) {
      await waitForHealthy(container, options.startTimeoutMs ?? 30_000);
    }
    return container;
  } catch (error) {
    await close();
    throw error;
  }
}
