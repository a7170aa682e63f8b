import { parseFlags } from "../lib/args";
import { CommandIo, printHelp, runMain } from "../lib/cli";
import { run } from "../lib/exec";
import { ifGiven, parseCloud } from "../lib/parse";
import { filesIn, projectRoot } from "../../stacks/stackFile";
import { DoctorEnv, exitCodeOf, render, runDoctor } from "./checks";

const usage = `Usage: npm run doctor -- [--stack <name>] [--cloud aws|gcp|azure] [--github <owner/name>] [--json]

Checks that this machine can run \`pulumi up\` for the selected stack: Node version, Pulumi CLI,
state backend login, stack, secrets passphrase, Docker engine, the cloud's credentials (for
gcloud, its own login and project too) and the CLIs the drills and runbooks run (AWS CLI v2,
gcloud or az, and jq). --cloud checks that cloud instead of the stack file's, for a first deploy
before \`pulumi config set cloud\`. Prints one line per check; each problem says how to fix it.
--github checks, with the GitHub CLI, that the test and prod environments let only main deploy.

Exit codes: 0 ready, 1 a problem was found, 2 bad arguments.`;

/** The real machine. Commands get a time limit: a cloud CLI waiting on the network must not hang. */
export function realEnv(): DoctorEnv {
  return {
    env: process.env,
    nodeVersion: process.version,
    readFile: filesIn(projectRoot),
    exec: (command, args) => run(command, args, { timeoutMs: 20_000, cwd: projectRoot }),
  };
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const values = parseFlags(argv, {
    stack: { type: "string" },
    github: { type: "string" },
    cloud: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return printHelp(io, usage);
  const cloud = ifGiven(values.cloud, parseCloud);
  const findings = await runDoctor(realEnv(), {
    stack: values.stack,
    cloud,
    github: values.github,
  });
  io.stdout.write(values.json ? `${JSON.stringify(findings, null, 2)}\n` : render(findings));
  return exitCodeOf(findings);
}

if (require.main === module) runMain("doctor", main);
