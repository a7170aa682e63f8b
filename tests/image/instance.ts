/**
 * One running instance of the real image, for tests that want a base URL (the image tests, the
 * hostile-request corpus, the benchmark):
 *
 *   const instance = await startImageInstance({ cloud: "gcp" });
 *   ... fetch(`${instance.baseUrl}/healthz`) ...
 *   await instance.close();
 *
 * The image is built once per process (cached across runs on this machine) and run as the
 * chosen cloud runs it, with that cloud's flags and environment from the offline plan.
 */
import { spawnSync } from "node:child_process";
import { Arrangement, ImageCloud, arrangementFor, planFor } from "../../tools/image/arrangements";
import { RunningContainer, runContainer } from "./container";
import { BuildOptions, BuiltImage, buildImage, detectEngine } from "./engine";

/** The version the tests build; /version.txt must answer exactly this. */
export const testVersion = "1.0.6";

const builds = new Map<string, Promise<BuiltImage>>();
const arrangements = new Map<ImageCloud, Arrangement>();

/** Builds (or reuses) the image of this checkout's app/Dockerfile. */
export function imageFor(options: Partial<BuildOptions> = {}): Promise<BuiltImage> {
  const version = options.version ?? testVersion;
  const key = `${version}/${options.variant ?? "release"}`;
  let build = builds.get(key);
  if (build === undefined) {
    build = buildImage({ ...options, version });
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return build;
}

export function cloudArrangement(cloud: ImageCloud): Arrangement {
  if (!arrangements.has(cloud)) arrangements.set(cloud, arrangementFor(cloud, planFor(cloud)));
  return arrangements.get(cloud) as Arrangement;
}

/** Whether the image can be built and run here: with Docker, or as root with podman and buildah. */
export function imageRunnable(): { ok: boolean; reason: string } {
  if (detectEngine() === "docker") return { ok: true, reason: "" };
  const missing = ["podman", "buildah", "mmdebstrap", "unshare", "nsenter"].filter(
    (tool) => spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0,
  );
  if (missing.length > 0) return { ok: false, reason: `no docker, and no ${missing.join(", ")}` };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: "no docker, and the chroot runner needs root" };
  return { ok: true, reason: "" };
}

export interface ImageInstanceOptions {
  readonly cloud?: ImageCloud;
  readonly version?: string;
  /** Added to the cloud's environment, e.g. { DRAIN_SECONDS: "1" } for a quick stop. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
}

export async function startImageInstance(
  options: ImageInstanceOptions = {},
): Promise<RunningContainer> {
  const image = await imageFor({ version: options.version, log: options.log });
  return runContainer({
    image,
    arrangement: cloudArrangement(options.cloud ?? "gcp"),
    extraEnv: options.extraEnv,
  });
}
