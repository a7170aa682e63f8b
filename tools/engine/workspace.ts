import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as exec from "../lib/exec";
import { RecordedCloud } from "./provider/cloud";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A throw-away place to run the real CLI against the program: a copy of the project (Pulumi.yaml and
 * the stack files are copied, so `stack init` and `config set` never touch the repository; the
 * sources and node_modules are linked), a local file backend, a passphrase secrets provider, a
 * PULUMI_HOME of its own whose plugins are the ones engine:setup installed, and a recorded cloud.
 * HOME points inside too, so `pulumi login --local` stays in it. Nothing here reaches a network.
 */
/**
 * Lays out a project folder: Pulumi.yaml and stack files copied, everything else linked, and the
 * same one level down for a nested project (bootstrap/), so no command writes into the repository.
 */
function linkProject(from: string, to: string, top: boolean): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if ([".git", ".engine"].includes(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (/^Pulumi(\..+)?\.yaml$/.test(entry.name)) fs.copyFileSync(source, target);
    else if (top && entry.isDirectory() && fs.existsSync(path.join(source, "Pulumi.yaml"))) {
      linkProject(source, target, false);
    } else fs.symlinkSync(source, target);
  }
}

/**
 * With HA_ENGINE_PROFILE=<file>, every command a workspace runs is appended there as one JSON line
 * (command, arguments, milliseconds), to see where the engine tier spends its time.
 */
function profile(command: string, args: readonly string[], startedAt: number): void {
  const file = process.env.HA_ENGINE_PROFILE;
  if (!file) return;
  const line = { command, args: args.join(" ").slice(0, 80), ms: Date.now() - startedAt };
  fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
}

export class EngineWorkspace {
  readonly dir: string;
  readonly project: string;
  readonly cloud: RecordedCloud;
  readonly env: NodeJS.ProcessEnv;
  /** The folder whose `bin/pulumi` is the CLI engine:setup installed. */
  readonly cliRoot: string;

  constructor(root = repoRoot) {
    this.cliRoot = path.join(root, ".engine");
    const cli = path.join(this.cliRoot, "bin", "pulumi");
    if (!fs.existsSync(cli)) throw new Error("the engine is not set up: run npm run engine:setup");
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "ha-engine-"));
    this.project = path.join(this.dir, "project");
    linkProject(root, this.project, true);
    const home = path.join(this.dir, "home");
    const pulumiHome = path.join(home, ".pulumi");
    fs.mkdirSync(pulumiHome, { recursive: true });
    fs.symlinkSync(path.join(root, ".engine", "home", "plugins"), path.join(pulumiHome, "plugins"));
    this.cloud = new RecordedCloud(path.join(this.dir, "cloud"));
    this.env = {
      ...process.env,
      HOME: home,
      PATH: `${path.join(root, ".engine", "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: pulumiHome,
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-tests-only",
      PULUMI_SKIP_UPDATE_CHECK: "1",
      // Plugins come only from PULUMI_HOME: a missing one fails instead of being downloaded.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
      // The type check is `npm run typecheck`'s job; the engine runs only need the program.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      HA_ENGINE_CLOUD: this.cloud.dir,
      CI: "true",
    };
    fs.mkdirSync(path.join(this.dir, "state"));
  }

  /** Runs the CLI in the project; resolves with the exit code and output, never rejects on a code. */
  pulumi(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
    return this.run("pulumi", args, options);
  }

  /** Runs any command in the project with the workspace's environment. */
  async run(
    command: string,
    args: readonly string[],
    options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<RunResult> {
    const started = Date.now();
    const result = await exec.run(command, args, {
      cwd: this.project,
      env: { ...this.env, ...options.env },
      // Generous: the tier runs its jobs side by side (tests/engine/deployments.ts), and the
      // machine may be shared.
      timeoutMs: options.timeoutMs ?? 600_000,
      killSignal: "SIGINT",
    });
    if (result.timedOut) {
      throw new Error(`${command} ${args.join(" ")} timed out\n${result.stdout}\n${result.stderr}`);
    }
    profile(command, args, started);
    return { code: result.code ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like `pulumi`, but throws with the output when the command fails. */
  async ok(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
    const result = await this.pulumi(args, options);
    if (result.code !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
      );
    }
    return result;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
