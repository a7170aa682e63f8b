/**
 * Builds app/Dockerfile into an image and reads its configuration.
 *
 * Where Docker works (`docker info` succeeds) it uses `docker build` and the real base image.
 * Elsewhere it uses podman/buildah with vfs storage and chroot isolation (what works as root on
 * machines without a container runtime), and a stand-in base built by base.sh from Debian's
 * archive and the npm registry. The storage lives in a machine-level cache, so a fresh clone
 * on the same machine reuses the base and the layer cache.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runText } from "../../tools/lib/exec";

export const repoRoot = resolve(__dirname, "..", "..");
export const appDir = join(repoRoot, "app");
export const dockerfilePath = join(appDir, "Dockerfile");
export const cacheDir =
  process.env.HA_IMAGE_CACHE ?? join(homedir(), ".cache", "ha-web-service", "image");
const storageRoot = join(cacheDir, "storage");

export type Engine = "docker" | "podman";

let detected: Engine | undefined;
/** Docker if its daemon answers, else podman with the stand-in base. */
export function detectEngine(): Engine {
  const override = process.env.HA_IMAGE_ENGINE;
  if (override === "docker" || override === "podman") return override;
  const info = () => spawnSync("docker", ["info"], { stdio: "ignore", timeout: 20_000 });
  detected ??= info().status === 0 ? "docker" : "podman";
  return detected;
}

/** podman and buildah on the cache's vfs storage. */
export function storageFlags(): string[] {
  return ["--root", storageRoot, "--runroot", join(storageRoot, "run"), "--storage-driver", "vfs"];
}

export async function podman(args: readonly string[]): Promise<string> {
  return runText("podman", [...storageFlags(), ...args]);
}

/** The image configuration the runner needs (docker image inspect's Config, trimmed). */
export interface ImageConfig {
  readonly user: string;
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  readonly volumes: readonly string[];
  readonly stopSignal: string | undefined;
  /** HEALTHCHECK's test, e.g. ["CMD", "node", "..."]; undefined if the image has none. */
  readonly healthcheck: readonly string[] | undefined;
}

export interface BuiltImage {
  readonly engine: Engine;
  readonly ref: string;
  readonly version: string;
  readonly config: ImageConfig;
  /** Uncompressed size, as `docker image inspect` reports it. */
  readonly sizeBytes: number;
  readonly buildSeconds: number;
}

interface InspectOutput {
  Size: number;
  Config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Volumes?: Record<string, unknown> | null;
    StopSignal?: string;
    Healthcheck?: { Test?: string[] };
  };
  /** podman reports the healthcheck beside Config too. */
  Healthcheck?: { Test?: string[] };
}

export async function inspectImage(
  engine: Engine,
  ref: string,
): Promise<{ config: ImageConfig; sizeBytes: number }> {
  const args = ["image", "inspect", ref];
  const text = await (engine === "docker" ? runText("docker", args) : podman(args));
  const [image] = JSON.parse(text) as InspectOutput[];
  if (image === undefined) throw new Error(`${ref}: no such image`);
  const c = image.Config;
  return {
    sizeBytes: image.Size,
    config: {
      user: c.User ?? "",
      env: c.Env ?? [],
      entrypoint: c.Entrypoint ?? [],
      cmd: c.Cmd ?? [],
      workingDir: c.WorkingDir || "/",
      volumes: Object.keys(c.Volumes ?? {}),
      stopSignal: c.StopSignal,
      healthcheck: c.Healthcheck?.Test ?? image.Healthcheck?.Test,
    },
  };
}

/** The final stage's base, from the Dockerfile: the stand-in is stored under this name. */
export function baseImage(dockerfile: string): string {
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1] as string);
  const last = froms[froms.length - 1];
  if (last === undefined) throw new Error("app/Dockerfile: no FROM");
  return last.includes("/") ? last : `docker.io/library/${last}`;
}

/**
 * The Dockerfile as it was before the Fargate /tmp fix (no VOLUME): the broken image the ECS
 * arrangement must refuse to start. Built from the same file so it differs only there.
 */
export function withoutVolume(dockerfile: string): string {
  const out = dockerfile.replace(/^VOLUME .*\n/gm, "");
  if (out === dockerfile) throw new Error("app/Dockerfile: no VOLUME line to remove");
  return out;
}

export interface BuildOptions {
  readonly version: string;
  /** "broken" builds the Dockerfile without its VOLUME. */
  readonly variant?: "release" | "broken";
  readonly log?: (line: string) => void;
}

export async function buildImage(options: BuildOptions): Promise<BuiltImage> {
  const engine = detectEngine();
  const log = options.log ?? (() => undefined);
  const original = readFileSync(dockerfilePath, "utf8");
  const broken = options.variant === "broken";
  const text = broken ? withoutVolume(original) : original;
  const ref = `localhost/ha-web-service:${options.version}${broken ? "-no-volume" : ""}`;
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), "ha-image-build-"));
  try {
    const file = join(scratch, "Dockerfile");
    writeFileSync(file, text);
    const buildArgs = ["--build-arg", `APP_VERSION=${options.version}`, "-t", ref, "-f", file];
    if (engine === "docker") {
      await runText("docker", ["build", ...buildArgs, appDir]);
    } else {
      log(
        "docker is not available here: building with buildah on a stand-in base (tests/image/base.sh)",
      );
      const base = await runText("bash", [
        join(__dirname, "base.sh"),
        storageRoot,
        baseImage(text),
      ]);
      log(base.trim());
      // --format docker keeps HEALTHCHECK (OCI image configs have no field for it); --layers
      // caches every step in the storage, so an unchanged build is all cache hits.
      await runText("buildah", [
        ...storageFlags(),
        "bud",
        "--isolation",
        "chroot",
        "--format",
        "docker",
        "--pull=never",
        "--layers",
        "--quiet",
        ...buildArgs,
        appDir,
      ]);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const buildSeconds = (Date.now() - started) / 1000;
  const { config, sizeBytes } = await inspectImage(engine, ref);
  log(`built ${ref} in ${buildSeconds.toFixed(1)} s (${(sizeBytes / 1e6).toFixed(0)} MB)`);
  return { engine, ref, version: options.version, config, sizeBytes, buildSeconds };
}
