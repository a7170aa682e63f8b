import { execFileSync } from "node:child_process";
import { runMain } from "../lib/cli";
import { exitCodes, ToolError, UsageError } from "../lib/errors";
import { filesIn } from "../../stacks/stackFile";
import { FileReader, readStackTarget, toGithubOutput } from "./stackTarget";

const usage = `Usage: tsx tools/doctor/pipeline.ts <command>

Small helpers the delivery pipeline runs.

  target <stack>        the stack's cloud, region, appVersion and GCP project, from its stack
                        file, as key=value lines for $GITHUB_OUTPUT
  version-bump <base>   fails (exit 1) when app/ changed since the commit <base> but
                        ha-web-service:appVersion did not, in both stack files`;

/** The stacks the pipeline deploys one image to; both must name the same, new version. */
export const deployedStacks = ["test", "prod"] as const;

/**
 * Why a change may not ship as it is, or undefined when it may. A change to `app/` is a new image,
 * and the checker and the drills tell releases apart only by `/version.txt`, which serves
 * `appVersion`: the same version on other bytes would pass every check while running new code.
 */
export function versionBumpProblem(
  changedFiles: readonly string[],
  before: Readonly<Record<string, string | undefined>>,
  after: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const appChanges = changedFiles.filter((file) => file.startsWith("app/"));
  if (appChanges.length === 0) return undefined;
  const shown = appChanges.slice(0, 3).join(", ") + (appChanges.length > 3 ? ", ..." : "");
  const version = (stack: string) => JSON.stringify(after[stack] ?? null);
  const stale = deployedStacks.filter((stack) => after[stack] === before[stack]);
  if (stale.length > 0) {
    const unchanged = stale.map((stack) => `Pulumi.${stack}.yaml still has ${version(stack)}`);
    return `app/ changed (${shown}) but ha-web-service:appVersion did not: ${unchanged.join(", ")}. Set a new appVersion in ${deployedStacks.map((s) => `Pulumi.${s}.yaml`).join(" and ")}, so /version.txt tells this release from the last one.`;
  }
  if (new Set(deployedStacks.map((stack) => after[stack])).size > 1) {
    const named = deployedStacks.map((stack) => `${stack} ${version(stack)}`);
    return `app/ changed (${shown}) and the stacks name different versions (${named.join(", ")}): one image goes to both, so set the same appVersion in both stack files.`;
  }
  return undefined;
}

/** `version-bump`: compares the working tree (HEAD) with `base` using git. */
function versionBump(root: string, base: string): string | undefined {
  if (!/^[0-9a-f]{7,40}$/i.test(base)) {
    throw new UsageError(
      `version-bump: expected a commit sha as <base>; got ${JSON.stringify(base)}`,
    );
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
  const changed = git("diff", "--name-only", base, "HEAD").split("\n").filter(Boolean);
  const atBase: FileReader = (path) => {
    try {
      return git("show", `${base}:${path}`);
    } catch {
      return undefined;
    }
  };
  const versionsOf = (readFile: FileReader) =>
    Object.fromEntries(
      deployedStacks.map((stack) => [stack, readStackTarget(readFile, stack).appVersion]),
    );
  return versionBumpProblem(changed, versionsOf(atBase), versionsOf(filesIn(root)));
}

/**
 * Shares the stack-file reading with the doctor so the pipeline and a developer's machine agree
 * on which cloud a stack uses. Runs in the project root (the workflows' working directory).
 */
export function main(argv: readonly string[], root = process.cwd()): number {
  const [command, argument] = argv;
  switch (command) {
    case "target":
      process.stdout.write(toGithubOutput(readStackTarget(filesIn(root), argument ?? "")));
      return 0;
    case "version-bump": {
      const problem = versionBump(root, argument ?? "");
      if (problem !== undefined) {
        process.stderr.write(`::error title=appVersion not bumped::${problem}\n`);
        return 1;
      }
      process.stdout.write("app/ unchanged, or changed with a new appVersion in both stacks\n");
      return 0;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return 2;
  }
}

if (require.main === module) {
  // A stack file or git failing is a failed pipeline step (exit 1), as before the toolkit.
  runMain("pipeline", async (argv) => {
    try {
      return main(argv);
    } catch (error) {
      if (error instanceof ToolError) throw error;
      throw new ToolError((error as Error).message, exitCodes.failed.code);
    }
  });
}
