import { Cloud } from "../../components/cloud";
import { cloudHome } from "../../providers/registry";
import { checkDeploymentBranches } from "./branches";
import {
  CloudTool,
  DoctorEnv,
  ExecResult,
  Finding,
  firstLine,
  ok,
  problem,
  skipped,
} from "./finding";
import { readStackTarget, StackTarget } from "./stackTarget";

export type { DoctorEnv, ExecResult, Finding };

/**
 * Oldest Pulumi CLI this project supports: project-scoped stacks in self-managed backends
 * (`pulumi login s3://...` with `test`/`prod` stack names) arrived in 3.61.
 */
export const minimumPulumiCli = "3.61.0";

const stateBackendDoc = "docs/state-backend.md";

/**
 * Runs every check and returns one finding per check. `pulumi up` can proceed only when none is a
 * problem. Later checks that need an earlier one's answer are skipped, not failed, so each
 * problem is reported once.
 */
export async function runDoctor(
  env: DoctorEnv,
  options: { stack?: string; cloud?: Cloud; github?: string } = {},
): Promise<Finding[]> {
  const findings: Finding[] = [checkNode(env)];
  const pulumi = await checkPulumi(env);
  findings.push(pulumi);
  const pulumiOk = pulumi.status === "ok";
  findings.push(pulumiOk ? await checkBackend(env) : skipped("backend", "needs the Pulumi CLI"));

  let stack = options.stack ?? env.env.PULUMI_STACK;
  if (stack === undefined && pulumiOk) {
    const shown = await env.exec("pulumi", ["stack", "--show-name"]);
    stack = shown.code === 0 ? shown.stdout.trim() || undefined : undefined;
  }
  let target: StackTarget | undefined;
  if (stack === undefined) {
    findings.push(
      pulumiOk
        ? problem(
            "stack",
            "no stack selected: run `pulumi stack select test` (or pass --stack test)",
          )
        : skipped("stack", "needs the Pulumi CLI, or pass --stack test"),
    );
  } else {
    try {
      target = readStackTarget(env.readFile, stack);
      findings.push(ok("stack", `${stack} (cloud ${target.cloud}, region ${target.region})`));
    } catch (err) {
      findings.push(problem("stack", (err as Error).message));
    }
  }

  findings.push(target ? checkSecrets(env, target) : skipped("secrets", "needs a stack"));
  findings.push(await checkDocker(env));
  if (options.github !== undefined) {
    findings.push(await checkDeploymentBranches(env, options.github, ["test", "prod"]));
  }
  // --cloud wins over the stack file: a first deploy runs the doctor before `pulumi config set
  // cloud`, and must check the cloud it is about to deploy to.
  const cloud = options.cloud ?? target?.cloud;
  if (cloud === undefined) {
    findings.push(skipped("credentials", "needs a stack or --cloud"));
    findings.push(skipped("tools", "needs a stack or --cloud"));
    return findings;
  }
  const home = cloudHome(cloud);
  findings.push(await home.doctorCredentials(env));
  findings.push(await checkCloudTools(env, home.doctorTools));
  return findings;
}

/** 0 when `pulumi up` can proceed, 1 otherwise. */
export function exitCodeOf(findings: readonly Finding[]): number {
  return findings.some((finding) => finding.status === "problem") ? 1 : 0;
}

/** One line per check: ✓ ok, ✗ problem with its fix, - skipped. */
export function render(findings: readonly Finding[]): string {
  const mark = { ok: "✓", problem: "✗", skipped: "-" } as const;
  const width = Math.max(...findings.map((f) => f.check.length));
  const lines = findings.map((f) => `${mark[f.status]} ${f.check.padEnd(width)}  ${f.message}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Compares dotted versions numerically. Written here rather than taken from `semver` because the
 * project has no direct dependency on it and needs only `>=` on x.y.z.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .replace(/^v/, "")
      .split(/[.-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

export function checkNode(env: DoctorEnv): Finding {
  const manifest = JSON.parse(env.readFile("package.json") ?? "{}") as {
    engines?: { node?: string };
  };
  const range = manifest.engines?.node;
  const minimum = /^>=\s*v?(\d+\.\d+\.\d+)$/.exec(range ?? "")?.[1];
  if (minimum === undefined) {
    return problem(
      "node",
      `package.json engines.node must be ">=x.y.z"; got ${JSON.stringify(range)}`,
    );
  }
  if (compareVersions(env.nodeVersion, minimum) < 0) {
    return problem(
      "node",
      `Node ${env.nodeVersion} is older than ${minimum} (package.json engines): install Node ${minimum} or newer, e.g. \`nvm install 20\``,
    );
  }
  return ok("node", `${env.nodeVersion} (>= ${minimum})`);
}

async function checkPulumi(env: DoctorEnv): Promise<Finding> {
  const result = await env.exec("pulumi", ["version"]);
  if (result.missing) {
    return problem(
      "pulumi",
      "Pulumi CLI not found: install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi`) and open a new shell",
    );
  }
  const version = result.stdout.trim();
  if (result.code !== 0 || !/^v?\d+\.\d+\.\d+/.test(version)) {
    return problem(
      "pulumi",
      `\`pulumi version\` failed: ${firstLine(result)}; reinstall the Pulumi CLI`,
    );
  }
  if (compareVersions(version, minimumPulumiCli) < 0) {
    return problem(
      "pulumi",
      `Pulumi CLI ${version} is older than ${minimumPulumiCli}: upgrade with \`curl -fsSL https://get.pulumi.com | sh\``,
    );
  }
  return ok("pulumi", version);
}

async function checkBackend(env: DoctorEnv): Promise<Finding> {
  const result = await env.exec("pulumi", ["whoami", "--verbose"]);
  if (result.code !== 0) {
    return problem(
      "backend",
      `not logged in to a state backend: run \`pulumi login --local\` or \`pulumi login s3://<bucket>\` (see ${stateBackendDoc})`,
    );
  }
  const url = /Backend URL:\s*(\S+)/.exec(result.stdout)?.[1] ?? "logged in";
  return ok("backend", url);
}

function checkSecrets(env: DoctorEnv, target: StackTarget): Finding {
  if (target.secrets !== "passphrase") {
    return ok(
      "secrets",
      target.secrets === "cloud-kms" ? "cloud KMS (uses the cloud credentials)" : "no secrets yet",
    );
  }
  if (
    env.env.PULUMI_CONFIG_PASSPHRASE !== undefined ||
    env.env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined
  ) {
    return ok("secrets", "passphrase from the environment");
  }
  return problem(
    "secrets",
    `stack ${target.stack} encrypts secrets with a passphrase: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) first`,
  );
}

async function checkDocker(env: DoctorEnv): Promise<Finding> {
  // `docker info` talks to the engine; `docker version` would pass with the client alone.
  const result = await env.exec("docker", ["info", "--format", "{{.ServerVersion}}"]);
  if (result.missing) {
    return problem(
      "docker",
      "Docker not found: install Docker Engine or Docker Desktop (it builds the app image)",
    );
  }
  if (result.code !== 0) {
    return problem(
      "docker",
      `the Docker engine is not reachable (${firstLine(result)}): start it (\`sudo systemctl start docker\` or open Docker Desktop)`,
    );
  }
  return ok("docker", `engine ${result.stdout.trim()}`);
}

async function checkCloudTools(env: DoctorEnv, tools: readonly CloudTool[]): Promise<Finding> {
  const problems: string[] = [];
  const found: string[] = [];
  for (const tool of tools) {
    const result = await env.exec(tool.command, tool.args);
    const text = `${result.stdout}${result.stderr}`.trim();
    if (result.missing || result.code !== 0)
      problems.push(`${tool.command} not found: ${tool.install}`);
    else if (tool.version !== undefined && !tool.version.test(text)) {
      problems.push(
        `${tool.versionHint ?? `${tool.command} is too old`} (${text.split("\n")[0]}): ${tool.install}`,
      );
    } else found.push(tool.command);
  }
  return problems.length > 0
    ? problem("tools", `${problems.join("; ")} (the drills and runbooks need them)`)
    : ok("tools", `${found.join(", ")} (what the drills and runbooks run)`);
}
