/**
 * Runs a built image the way a cloud runs it, without a container runtime: `podman run` fails
 * on these machines (crun and runc both stop at rlimit and hybrid-cgroup errors), so the image's
 * root file system (`podman image mount`) is run under new mount, PID, network, UTS and IPC
 * namespaces, read-only, with /proc, /dev and the cloud's writable mounts, as the image's
 * (or the cloud's) user, with the image's ENTRYPOINT and the environment the cloud sets.
 *
 * What a runtime does and this does not: cgroup limits, seccomp and AppArmor profiles, the
 * capability bounding set (the process runs as a non-root user with no capabilities, and with
 * no_new_privs where the cloud sets it, so it can never gain any), user namespaces.
 *
 * The container has its own loopback; a forwarder in its network namespace makes its port
 * reachable from here as a unix socket, and a local TCP listener on 127.0.0.1 gives tests a
 * plain base URL.
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { Server, Socket, createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { run, runText } from "../../tools/lib/exec";
import { until } from "../../tools/lib/wait";
import type { Arrangement, Mount } from "../../tools/image/arrangements";
import { BuiltImage, podman } from "./engine";

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly command: string;
  /** Real, effective, saved and file-system uid (the Uid: line of /proc/PID/status). */
  readonly uids: readonly number[];
  readonly gids: readonly number[];
  readonly groups: readonly number[];
  readonly capEff: string;
  readonly noNewPrivs: boolean;
}

export interface RunningContainer {
  readonly arrangement: Arrangement;
  /** http://127.0.0.1:PORT, forwarded to the container's port. */
  readonly baseUrl: string;
  /** The container's PID 1, as this machine sees it. */
  readonly pid: number;
  /** The environment the entrypoint was started with. */
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly gid: number;
  /** Everything the container wrote to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<Exit>;
  /** Sends a signal to the container's PID 1, as `docker stop` and ECS do. */
  signal(signal: NodeJS.Signals): void;
  processes(): Promise<ProcessInfo[]>;
  /** Every path in the container's writable mounts, as the container sees it. */
  writtenPaths(): Promise<string[]>;
  /** The mount options of the container's root, e.g. "ro,relatime". */
  rootMountOptions(): Promise<string>;
  /** Runs a command inside the running container, as its user, with its environment. */
  exec(command: readonly string[]): Promise<{ code: number; output: string }>;
  /** Kills whatever is left and removes the mounts and files. Safe to call twice. */
  close(): Promise<void>;
}

export interface RunOptions {
  readonly image: BuiltImage;
  readonly arrangement: Arrangement;
  /** How long to wait for /healthz to answer 200. */
  readonly startTimeoutMs?: number;
  /** Extra environment on top of the cloud's, for tests only (e.g. APP_TEST_ROUTES). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Resolve once the process is running instead of waiting for /healthz (to watch it fail). */
  readonly waitForHealthy?: boolean;
}

/** Quotes a value for bash. */
const q = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

interface Passwd {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

function readPasswd(root: string): Passwd[] {
  const path = join(root, "etc", "passwd");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.includes(":"))
    .map((l) => {
      const [name = "", , uid = "", gid = "", , home = "/"] = l.split(":");
      return { name, uid: Number(uid), gid: Number(gid), home };
    });
}

/** Resolves USER the way docker does: numeric or a name from the image's /etc/passwd. */
export function resolveUser(
  spec: string,
  passwd: readonly Passwd[],
): { uid: number; gid: number; home: string } {
  const [userPart = "", groupPart] = (spec || "0").split(":");
  const entry = passwd.find((p) => p.name === userPart || String(p.uid) === userPart);
  const uid = /^\d+$/.test(userPart) ? Number(userPart) : entry?.uid;
  if (uid === undefined)
    throw new Error(`user ${JSON.stringify(spec)}: not in the image's /etc/passwd`);
  if (groupPart !== undefined && !/^\d+$/.test(groupPart)) {
    throw new Error(`user ${JSON.stringify(spec)}: group names are not resolved; use a gid`);
  }
  const gid = groupPart !== undefined ? Number(groupPart) : (entry?.gid ?? 0);
  // Docker sets HOME from the image's passwd entry, or "/" when the user has none.
  return { uid, gid, home: entry?.home ?? "/" };
}

/** Docker's environment: the image's ENV, HOSTNAME, HOME if unset, then the run's values. */
export function containerEnv(
  image: readonly string[],
  hostname: string,
  home: string,
  cloud: Readonly<Record<string, string>>,
): Record<string, string> {
  const env = envOf(image);
  return { ...env, HOSTNAME: hostname, HOME: env.HOME ?? home, ...cloud };
}

/** `KEY=value` lines as a record. */
function envOf(lines: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    lines.flatMap((line) => {
      const at = line.indexOf("=");
      return at > 0 ? [[line.slice(0, at), line.slice(at + 1)]] : [];
    }),
  );
}

/**
 * Prepares a Fargate bind-mount volume: root-owned 0755, plus the image's contents at the same
 * path if the image declares a VOLUME there (entries copied with their ownership; the mount
 * point keeps root 0755).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
 */
async function prepareFargateVolume(
  dir: string,
  imageRoot: string,
  mount: Mount,
  volumes: readonly string[],
) {
  mkdirSync(dir, { recursive: true });
  chownSync(dir, 0, 0);
  chmodSync(dir, 0o755);
  const declared = volumes.some((v) => v.replace(/\/+$/, "") === mount.path.replace(/\/+$/, ""));
  const from = join(imageRoot, mount.path);
  if (!declared || !existsSync(from)) return;
  const entries = readdirSync(from).map((e) => join(from, e));
  if (entries.length > 0) await runText("cp", ["-a", "--", ...entries, `${dir}/`]);
}

/** The setup run as PID 1 of the new namespaces, before it becomes the image's entrypoint. */
function setupScript(o: {
  imageRoot: string;
  dir: string;
  readOnlyRoot: boolean;
  mounts: readonly { mount: Mount; source?: string }[];
  hostname: string;
  env: Record<string, string>;
  uid: number;
  gid: number;
  workingDir: string;
  noNewPrivileges: boolean;
  command: readonly string[];
}): string {
  const root = join(o.dir, "root");
  const lines = [
    "set -euo pipefail",
    `root=${q(root)}`,
    'mkdir -p "$root"',
    o.readOnlyRoot
      ? `mount --bind ${q(o.imageRoot)} "$root"`
      : // A writable root must not write into the stored image: an overlay keeps writes aside.
        `mkdir -p ${q(join(o.dir, "upper"))} ${q(join(o.dir, "work"))} && mount -t overlay overlay -o ${q(`lowerdir=${o.imageRoot},upperdir=${join(o.dir, "upper")},workdir=${join(o.dir, "work")}`)} "$root"`,
    'mount -t proc -o nosuid,nodev,noexec proc "$root/proc"',
    'mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"',
    // Docker's /dev: a tmpfs with the usual device nodes, /dev/shm and the fd links.
    'mount -t tmpfs -o nosuid,mode=755,size=65536k tmpfs "$root/dev"',
    'for d in null zero full random urandom tty; do touch "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"; done',
    'ln -s /proc/self/fd "$root/dev/fd"',
    'ln -s /proc/self/fd/0 "$root/dev/stdin"; ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"',
    'mkdir "$root/dev/shm" && mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=65536k shm "$root/dev/shm"',
    // Docker bind-mounts these three files from the host; they exist in the image.
    `printf '%s\\n' ${q(o.hostname)} > ${q(join(o.dir, "hostname"))}`,
    `printf '127.0.0.1 localhost\\n::1 localhost\\n127.0.1.1 %s\\n' ${q(o.hostname)} > ${q(join(o.dir, "hosts"))}`,
    `: > ${q(join(o.dir, "resolv.conf"))}`,
    'for f in hostname hosts resolv.conf; do [ -e "$root/etc/$f" ] && mount --bind ' +
      `${q(o.dir)}/"$f" "$root/etc/$f"; done`,
  ];
  for (const { mount, source } of o.mounts) {
    const target = `"$root"${q(mount.path)}`;
    if (mount.kind === "tmpfs") {
      // Docker's --tmpfs defaults: mode 1777, noexec, nosuid, nodev; the flag's options follow.
      const options = [
        "nosuid",
        "nodev",
        "noexec",
        "mode=1777",
        ...mount.options.split(",").filter(Boolean),
      ];
      lines.push(`mount -t tmpfs -o ${q(options.join(","))} tmpfs ${target}`);
    } else {
      lines.push(`mount --bind ${q(source ?? "")} ${target}`);
      if (mount.readOnly) lines.push(`mount -o remount,bind,ro ${target}`);
    }
  }
  if (o.readOnlyRoot) lines.push('mount -o remount,bind,ro "$root"');
  lines.push("ip link set lo up", `hostname ${q(o.hostname)}`);
  const env = Object.entries(o.env).map(([k, v]) => q(`${k}=${v}`));
  lines.push(
    [
      "exec /usr/bin/env -i",
      ...env,
      ...(o.noNewPrivileges ? ["/usr/bin/setpriv --no-new-privs"] : []),
      `/usr/bin/unshare --root="$root" --wd=${q(o.workingDir)} --setgid=${o.gid} --setuid=${o.uid} --`,
      ...o.command.map(q),
    ].join(" "),
  );
  return `${lines.join("\n")}\n`;
}

export function statusOf(pid: number): ProcessInfo | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => text.match(new RegExp(`^${name}:[ \\t]*(.*)$`, "m"))?.[1] ?? "";
    const numbers = (name: string) => field(name).split(/\s+/).filter(Boolean).map(Number);
    return {
      pid,
      command: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim(),
      uids: numbers("Uid"),
      gids: numbers("Gid"),
      groups: numbers("Groups"),
      capEff: field("CapEff"),
      noNewPrivs: field("NoNewPrivs") === "1",
    };
  } catch {
    return undefined; // exited while we looked
  }
}

/** Every path below `dir`, as `prefix/...`. */
function walk(dir: string, prefix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => `${prefix}/${p}`);
}

async function childPid(parent: number, exited: () => boolean): Promise<number> {
  for (let i = 0; i < 200 && !exited(); i += 1) {
    try {
      const children = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8").trim();
      if (children !== "") return Number(children.split(/\s+/)[0]);
    } catch {
      // not yet
    }
    await sleep(25);
  }
  throw new Error(
    exited()
      ? "the container exited before it was healthy"
      : "the container's PID 1 did not appear",
  );
}

/** Forwards 127.0.0.1:<port> inside the container's network namespace to a unix socket. */
const forwarderSource = `
const net = require("node:net");
const [sock, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.connect({ host: "127.0.0.1", port: Number(port) });
  c.pipe(u).pipe(c);
  c.on("error", () => u.destroy());
  u.on("error", () => c.destroy());
}).listen(sock);
`;

/** Appends what a child prints, on stdout and stderr, to `log`. */
function collect(child: ChildProcess, log: { text: string }): void {
  child.stdout?.on("data", (d: Buffer) => (log.text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log.text += d.toString()));
}

/** Runs a command to its end: its exit code (-1 when killed) and all it printed. */
async function execIn(command: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
  const result = await run(command, args, { env });
  return { code: result.code ?? -1, output: result.stdout + result.stderr };
}

/** Runs the image as the arrangement says, with Docker where it works, else chrooted. */
export async function runContainer(options: RunOptions): Promise<RunningContainer> {
  const log = { text: "" };
  const start = options.image.engine === "docker" ? startDocker : startChroot;
  let container: RunningContainer | undefined;
  try {
    container = await start(options, log);
    if (options.waitForHealthy !== false) {
      await waitForHealthy(container, options.startTimeoutMs ?? 30_000);
    }
    return container;
  } catch (error) {
    await container?.close();
    throw new Error(`${options.arrangement.source}: ${(error as Error).message}\n${log.text}`);
  }
}

async function startChroot(options: RunOptions, log: { text: string }): Promise<RunningContainer> {
  const { image, arrangement } = options;
  const imageRoot = (await podman(["image", "mount", image.ref])).trim();
  const dir = mkdtempSync(join(tmpdir(), `ha-image-${arrangement.cloud}-`));
  const passwd = readPasswd(imageRoot);
  const { uid, gid, home } = resolveUser(arrangement.user ?? image.config.user, passwd);
  const hostname = `standin-${arrangement.cloud}`;
  const env = containerEnv(image.config.env, hostname, home, {
    ...arrangement.env,
    ...options.extraEnv,
  });

  const mounts: { mount: Mount; source?: string }[] = [];
  for (const [index, mount] of arrangement.mounts.entries()) {
    if (mount.kind === "tmpfs") mounts.push({ mount });
    else {
      const source = join(dir, "volumes", String(index));
      await prepareFargateVolume(source, imageRoot, mount, image.config.volumes);
      mounts.push({ mount, source });
    }
  }
  const entry = [...image.config.entrypoint, ...image.config.cmd];
  if (entry.length === 0) throw new Error(`${image.ref}: no ENTRYPOINT or CMD`);
  // ECS initProcessEnabled and docker --init put docker-init (tini) in front; the image's own
  // tini stands in for it.
  const command = arrangement.init ? ["/usr/bin/tini", "--", ...entry] : entry;
  const script = join(dir, "setup.sh");
  writeFileSync(
    script,
    setupScript({
      imageRoot,
      dir,
      readOnlyRoot: arrangement.readOnlyRoot,
      mounts,
      hostname,
      env,
      uid,
      gid,
      workingDir: image.config.workingDir,
      noNewPrivileges: arrangement.noNewPrivileges,
      command,
    }),
  );

  const unshare: ChildProcess = spawn(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--pid",
      "--fork",
      "--kill-child=SIGKILL",
      "--net",
      "--uts",
      "--ipc",
      "bash",
      script,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  collect(unshare, log);
  let done = false;
  const exited = new Promise<Exit>((resolve) =>
    unshare.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  let forwarder: ChildProcess | undefined;
  let containerPid: number | undefined;
  const connections = new Set<Socket>();
  let server: Server | undefined;
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    if (!done) {
      // SIGKILL to the namespace's PID 1 ends every process in it. Killing unshare alone is not
      // enough: --kill-child's parent-death signal is cleared when --setuid changes credentials.
      // unshare then reaps it and exits; it is killed itself only if that does not happen.
      try {
        if (containerPid !== undefined) process.kill(containerPid, "SIGKILL");
      } catch {
        // already gone
      }
      if (
        containerPid === undefined ||
        !(await Promise.race([exited.then(() => true), sleep(5_000, false)]))
      ) {
        unshare.kill("SIGKILL");
      }
    }
    for (const socket of connections) socket.destroy();
    await exited;
    forwarder?.kill("SIGKILL");
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await podman(["image", "unmount", image.ref]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const unsharePid = unshare.pid;
    if (unsharePid === undefined) throw new Error("unshare did not start");
    const pid = await childPid(unsharePid, () => done);
    containerPid = pid;
    const sock = join(dir, "http.sock");
    forwarder = spawn(
      "nsenter",
      [
        `--net=/proc/${unsharePid}/ns/net`,
        "--",
        process.execPath,
        "-e",
        forwarderSource,
        sock,
        String(arrangement.port),
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 200 && !existsSync(sock); i += 1) await sleep(25);
    server = createServer((c) => {
      connections.add(c);
      c.once("close", () => connections.delete(c));
      const u = connect({ path: sock });
      c.pipe(u).pipe(c);
      c.on("error", () => u.destroy());
      u.on("error", () => c.destroy());
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const address = server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    let pidNs: string | undefined;
    try {
      pidNs = readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      // Already exited (a start that fails at once): waitForHealthy reports it with the output.
    }
    const nsenter = ["--target", String(pid), "--mount", "--net", "--pid", "--uts", "--ipc"];

    return {
      arrangement,
      baseUrl,
      pid,
      env,
      uid,
      gid,
      output: () => log.text,
      exited,
      signal: (signal) => {
        if (!done) process.kill(pid, signal);
      },
      processes: async () =>
        readdirSync("/proc")
          .filter((name) => /^\d+$/.test(name))
          .map(Number)
          .filter((p) => {
            try {
              return pidNs !== undefined && readlinkSync(`/proc/${p}/ns/pid`) === pidNs;
            } catch {
              return false;
            }
          })
          .map(statusOf)
          .filter((p): p is ProcessInfo => p !== undefined),
      writtenPaths: async () => [
        ...[...arrangement.mounts.map((m) => m.path), "/dev/shm"]
          .filter((place) => existsSync(join(`/proc/${pid}/root`, place)))
          .flatMap((place) => walk(join(`/proc/${pid}/root`, place), place)),
        ...(arrangement.readOnlyRoot ? [] : walk(join(dir, "upper"), "")),
      ],
      rootMountOptions: async () =>
        mountOptionsOfRoot(readFileSync(`/proc/${pid}/mountinfo`, "utf8")),
      exec: (cmd) =>
        execIn(
          "nsenter",
          [...nsenter, "--root", "--wd", `--setuid=${uid}`, `--setgid=${gid}`, "--", ...cmd],
          env,
        ),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The options of the mount at "/" in a mountinfo table, e.g. "ro,relatime". */
function mountOptionsOfRoot(mountinfo: string): string {
  return (
    mountinfo
      .split("\n")
      .find((l) => l.split(" ")[4] === "/")
      ?.split(" ")[5] ?? ""
  );
}

/**
 * The arrangement as `docker run` flags, for Docker, where `docker info` succeeds (a developer's
 * laptop, a GitHub runner). Not exercised on the build machines, which have no Docker engine.
 *
 * One difference from the chroot runner: Docker has no Fargate bind mount. A path the image
 * declares as a VOLUME gets an anonymous volume, which Docker fills with the image's contents
 * and ownership; a path it does not declare gets a root-owned 0755 tmpfs, the empty volume
 * Fargate would mount.
 */
function dockerRunFlags(
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

/** The same run with Docker: `docker run` with the arrangement's flags. */
async function startDocker(options: RunOptions, log: { text: string }): Promise<RunningContainer> {
  const { image, arrangement } = options;
  const docker = (args: readonly string[]) => runText("docker", args);
  const name = `ha-image-${arrangement.cloud}-${randomBytes(4).toString("hex")}`;
  const cloudEnv = { ...arrangement.env, ...options.extraEnv };
  await docker(["run", ...dockerRunFlags(image, arrangement, cloudEnv, name)]);
  const logs = spawn("docker", ["logs", "--follow", name], { stdio: ["ignore", "pipe", "pipe"] });
  collect(logs, log);
  const close = async () => {
    logs.kill();
    await docker(["rm", "--force", "--volumes", name]).catch(() => undefined);
  };
  try {
    const [state] = JSON.parse(await docker(["inspect", name])) as {
      State: { Pid: number };
      Config: { Env: string[] };
    }[];
    if (state === undefined) throw new Error(`${name}: not found`);
    const port =
      (await docker(["port", name, String(arrangement.port)])).trim().split("\n")[0] ?? "";
    const [uid = 0, gid = 0] = (arrangement.user ?? image.config.user).split(":").map(Number);
    const exec = (cmd: readonly string[]) => execIn("docker", ["exec", name, ...cmd]);
    return {
      arrangement,
      baseUrl: `http://${port}`,
      pid: state.State.Pid,
      env: envOf(state.Config.Env),
      uid,
      gid,
      output: () => log.text,
      exited: docker(["wait", name]).then((code) => ({ code: Number(code.trim()), signal: null })),
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
        mountOptionsOfRoot((await exec(["cat", "/proc/self/mountinfo"])).output),
      exec,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** GET through the forwarder; undefined when nothing answers. */
export async function httpGet(
  url: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

async function waitForHealthy(container: RunningContainer, timeoutMs: number): Promise<void> {
  let exitedEarly = false;
  void container.exited.then(() => (exitedEarly = true));
  const healthy = async () =>
    (await httpGet(`${container.baseUrl}/healthz`, 1_000))?.status === 200;
  if ((await until(healthy, timeoutMs, 100, () => exitedEarly)) !== undefined) return;
  throw new Error(
    exitedEarly
      ? "the container exited before it was healthy"
      : `not healthy within ${timeoutMs} ms`,
  );
}
