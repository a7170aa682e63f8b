import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Cloud, clouds } from "../../components/cloud";
import { DoctorEnv, ExecResult, exitCodeOf, render, runDoctor } from "./checks";

const usage = `Usage: npm run doctor -- [--stack <name>] [--cloud aws|gcp|azure] [--github <owner/name>] [--json]

Checks that this machine can run \`pulumi up\` for the selected stack: Node version, Pulumi CLI,
state backend login, stack, secrets passphrase, Docker engine, the cloud's credentials (for
gcloud, its own login and project too) and the CLIs the drills and runbooks run (AWS CLI v2,
gcloud or az, and jq). --cloud checks that cloud instead of the stack file's, for a first deploy
before \`pulumi config set cloud\`. Prints one line per check; each problem says how to fix it.
--github checks, with the GitHub CLI, that the test and prod environments let only main deploy.

Exit codes: 0 ready, 1 a problem was found, 2 bad arguments.`;

const projectRoot = join(__dirname, "..", "..");

/** The real machine. Commands get a time limit: a cloud CLI waiting on the network must not hang. */
export function realEnv(): DoctorEnv {
  return {
    env: process.env,
    nodeVersion: process.version,
    readFile: (path) => {
      try {
        return readFileSync(join(projectRoot, path), "utf8");
      } catch {
        return undefined;
      }
    },
    exec: (command, args) =>
      new Promise<ExecResult>((resolve) => {
        execFile(
          command,
          [...args],
          { timeout: 20_000, cwd: projectRoot },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
            resolve({ code, stdout, stderr, missing: error?.code === "ENOENT" });
          },
        );
      }),
  };
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        github: { type: "string" },
        cloud: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const cloud = values.cloud;
  if (cloud !== undefined && !(clouds as readonly string[]).includes(cloud)) {
    process.stderr.write(
      `--cloud: expected one of ${clouds.join(", ")}; got ${JSON.stringify(cloud)}\n`,
    );
    return 2;
  }
  const findings = await runDoctor(realEnv(), {
    stack: values.stack,
    cloud: cloud as Cloud,
    github: values.github,
  });
  process.stdout.write(values.json ? `${JSON.stringify(findings, null, 2)}\n` : render(findings));
  return exitCodeOf(findings);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`doctor: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
