/**
 * How each cloud runs the service image, read from the program's own output (the offline plan),
 * never copied by hand: ECS from the task definition, GCE from the startup script's `docker run`,
 * Azure from cloud-init's `docker run`. Anything the runner cannot reproduce is refused with an
 * error that names it, so a change in a provider shows up here instead of passing unseen.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Cloud } from "../../components/cloud";
import { cloudHome } from "../../providers/registry";

export type ImageCloud = Cloud;

/** A writable mount over the read-only root. */
export type Mount =
  /** `docker run --tmpfs`: an empty tmpfs, root-owned, mode 1777 unless the options say otherwise. */
  | { readonly kind: "tmpfs"; readonly path: string; readonly options: string }
  /**
   * An ECS task volume without `host` on Fargate: a bind mount of task storage. Empty, owned by
   * root with mode 0755, unless the image declares a VOLUME at the same path; then the image's
   * contents there, with their ownership, are copied in. We model the narrower reading (only
   * the contents are copied; the mount point itself stays root 0755) so a fix must not depend
   * on the wider one.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
   */
  | { readonly kind: "fargate-bind"; readonly path: string; readonly readOnly: boolean };

export interface Arrangement {
  readonly cloud: ImageCloud;
  /** Where the values came from, for messages. */
  readonly source: string;
  /** `uid:gid`, or undefined for the image's USER. */
  readonly user: string | undefined;
  readonly readOnlyRoot: boolean;
  /** Set by the cloud, on top of the image's ENV (which the runner merges in). */
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly Mount[];
  /** Seconds between SIGTERM and SIGKILL. */
  readonly stopTimeoutSeconds: number;
  readonly noNewPrivileges: boolean;
  /** Capabilities dropped; ["ALL"] for --cap-drop=ALL. */
  readonly capDrop: readonly string[];
  /** An init process in front of the entrypoint (ECS initProcessEnabled, docker --init). */
  readonly init: boolean;
  /** The container port the cloud sends traffic to. */
  readonly port: number;
  /** A health check the cloud runs besides the image's HEALTHCHECK (ECS healthCheck.command). */
  readonly healthCheck: readonly string[] | undefined;
}

/** Values the cloud's metadata services would answer, used where a script asks them. */
export const standIn = {
  gcpFqdn: "web-standin.us-central1-a.c.project.internal",
  gcpZonePath: "projects/123456789012/zones/us-central1-a",
  azureZone: "1",
  hostname: "web-standin",
} as const;

export class ArrangementError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = "ArrangementError";
  }
}

export interface PlanResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}
export interface Plan {
  readonly resources: readonly PlanResource[];
}

export function only(plan: Plan, type: string, source: string): PlanResource {
  const found = plan.resources.filter((r) => r.type === type);
  if (found.length !== 1) {
    throw new ArrangementError(source, `expected one ${type} in the plan; found ${found.length}`);
  }
  return found[0] as PlanResource;
}

// ---------------------------------------------------------------------------------------------
// docker run (GCE startup script, Azure cloud-init)

/**
 * Pulls the `docker run` command out of a shell script and lets bash expand it, with the
 * script's own top-level assignments and stand-ins for the metadata calls. PATH is empty, so
 * only builtins and the stubs below run: a new command in the script fails loudly here instead
 * of running on this machine.
 */
export function dockerRunArgs(script: string, prelude: string, source: string): string[] {
  const lines = script.split("\n");
  const start = lines.findIndex((l) => /^\s*docker run\b/.test(l));
  if (start < 0) throw new ArrangementError(source, "no `docker run` line");
  if (lines.findIndex((l, i) => i > start && /^\s*docker run\b/.test(l)) >= 0) {
    throw new ArrangementError(source, "more than one `docker run` line");
  }
  const command: string[] = [];
  for (let i = start; i < lines.length; i += 1) {
    const line = lines[i] as string;
    command.push(line);
    if (!line.trimEnd().endsWith("\\")) break;
  }
  const assignments = lines
    .slice(0, start)
    // Top level only: assignments inside functions are indented and may span lines.
    .filter((l) => /^(readonly |export )?[A-Za-z_][A-Za-z0-9_]*=/.test(l));
  const program = [
    "set -euo pipefail",
    "PATH=/nonexistent",
    `hostname() { printf '%s\\n' ${JSON.stringify(standIn.hostname)}; }`,
    "curl() {",
    '  local url="${!#}"',
    '  case "$url" in',
    `    *computeMetadata*zone) printf '%s\\n' ${JSON.stringify(standIn.gcpZonePath)} ;;`,
    `    *computeMetadata*hostname) printf '%s\\n' ${JSON.stringify(standIn.gcpFqdn)} ;;`,
    `    *169.254.169.254/metadata/instance/compute/zone*) printf '%s\\n' ${JSON.stringify(standIn.azureZone)} ;;`,
    '    *) echo "no stand-in for curl $url" >&2; return 1 ;;',
    "  esac",
    "}",
    'metadata() { curl "http://metadata.google.internal/computeMetadata/v1/instance/$1"; }',
    'docker() { [ "$1" = run ] || return 1; shift; printf \'%s\\0\' "$@"; }',
    prelude,
    ...assignments,
    ...command,
  ].join("\n");
  const result = spawnSync("/bin/bash", ["--norc", "--noprofile", "-c", program], {
    encoding: "utf8",
    env: {},
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) {
    throw new ArrangementError(
      source,
      `could not expand the docker run line: ${result.stderr.trim()}`,
    );
  }
  return result.stdout.split("\0").slice(0, -1);
}

/**
 * `docker run` flags and what the runner does with them; any other flag is refused.
 * Docker's defaults: a 10 s stop timeout, and tmpfs mounts with mode 1777.
 * https://docs.docker.com/reference/cli/docker/container/run/
 */
const dockerFlags = {
  detach: { type: "boolean", short: "d" },
  name: { type: "string" },
  restart: { type: "string" },
  pull: { type: "string" },
  "read-only": { type: "boolean" },
  tmpfs: { type: "string" },
  "cap-drop": { type: "string" },
  "security-opt": { type: "string" },
  publish: { type: "string", short: "p" },
  "stop-timeout": { type: "string" },
  "log-driver": { type: "string" },
  "log-opt": { type: "string" },
  env: { type: "string", short: "e" },
  user: { type: "string", short: "u" },
  init: { type: "boolean" },
} as const;
const dockerDefaultStopTimeout = 10;

export function dockerRunArrangement(
  cloud: ImageCloud,
  args: readonly string[],
  source: string,
): Arrangement {
  const env: Record<string, string> = {};
  const mounts: Mount[] = [];
  const capDrop: string[] = [];
  let user: string | undefined;
  let readOnlyRoot = false;
  let noNewPrivileges = false;
  let init = false;
  let stopTimeoutSeconds = dockerDefaultStopTimeout;
  let port: number | undefined;
  let image: string | undefined;
  // Not strict, so that an unknown flag comes back as a token and is refused by name below.
  const { tokens } = parseArgs({
    args: [...args],
    options: dockerFlags,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") {
      image = token.value;
      if (token.index !== args.length - 1) {
        throw new ArrangementError(
          source,
          `arguments after the image are not reproduced: ${args.slice(token.index + 1).join(" ")}`,
        );
      }
      break;
    }
    const flag = token.kind === "option" ? token.name : "";
    const spec = Object.hasOwn(dockerFlags, flag)
      ? dockerFlags[flag as keyof typeof dockerFlags]
      : undefined;
    if (token.kind !== "option" || spec === undefined) {
      const raw = token.kind === "option" ? token.rawName : "--";
      throw new ArrangementError(
        source,
        `docker run ${raw} is not reproduced by the image runner; teach tools/image/arrangements.ts what it does`,
      );
    }
    if (spec.type === "boolean" && token.value !== undefined) {
      throw new ArrangementError(
        source,
        `docker run ${token.rawName}=${token.value}: expected ${token.rawName} without a value`,
      );
    }
    const value = token.value ?? "";
    switch (flag) {
      case "read-only":
        readOnlyRoot = true;
        break;
      case "tmpfs": {
        const colon = value.indexOf(":");
        mounts.push({
          kind: "tmpfs",
          path: colon < 0 ? value : value.slice(0, colon),
          options: colon < 0 ? "" : value.slice(colon + 1),
        });
        break;
      }
      case "cap-drop":
        capDrop.push(...value.split(","));
        break;
      case "security-opt":
        if (value !== "no-new-privileges" && value !== "no-new-privileges:true") {
          throw new ArrangementError(
            source,
            `docker run --security-opt ${value} is not reproduced`,
          );
        }
        noNewPrivileges = true;
        break;
      case "publish": {
        const containerPort = Number(value.split(":").pop()?.split("/")[0]);
        if (!Number.isInteger(containerPort)) {
          throw new ArrangementError(source, `docker run --publish ${value}: no container port`);
        }
        port ??= containerPort;
        break;
      }
      case "stop-timeout":
        stopTimeoutSeconds = Number(value);
        if (!Number.isInteger(stopTimeoutSeconds)) {
          throw new ArrangementError(source, `docker run --stop-timeout ${value}: not a number`);
        }
        break;
      case "env": {
        const at = value.indexOf("=");
        // `-e NAME` copies the host's value, which the runner cannot know.
        if (at <= 0)
          throw new ArrangementError(source, `docker run --env ${value}: expected NAME=value`);
        env[value.slice(0, at)] = value.slice(at + 1);
        break;
      }
      case "user":
        user = value;
        break;
      case "init":
        init = true;
        break;
      default:
        // --detach, --name, --restart, --pull, --log-*: no effect on one container's run.
        break;
    }
  }
  if (image === undefined) throw new ArrangementError(source, "docker run: no image");
  if (port === undefined) throw new ArrangementError(source, "docker run: no --publish");
  return {
    cloud,
    source,
    user,
    readOnlyRoot,
    env,
    mounts,
    stopTimeoutSeconds,
    noNewPrivileges,
    capDrop,
    init,
    port,
    healthCheck: undefined,
  };
}

/** The cloud's arrangement, read by its home (`providers/<cloud>/image.ts`) from the plan. */
export function arrangementFor(cloud: ImageCloud, plan: Plan): Arrangement {
  return cloudHome(cloud).imageArrangement(plan);
}

/** The offline plan's JSON for a stack and cloud (`npm run plan -- --json`), from this checkout. */
export function planFor(cloud: ImageCloud, stack = "prod"): Plan {
  const plan = ["--stack", stack, "--cloud", cloud, "--json"];
  const result = spawnSync(
    process.execPath,
    ["-r", "./scripts/register.js", "tools/plan/cli.ts", ...plan],
    { cwd: resolve(__dirname, "..", ".."), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new Error(`npm run plan -- ${plan.join(" ")} failed:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as Plan;
}
