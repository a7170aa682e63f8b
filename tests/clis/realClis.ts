/**
 * Runs `aws`, `gcloud` and `az` command lines through the real CLIs, offline, and says whether
 * each CLI accepted the command (parsed every subcommand, flag and value, and went on to log in or
 * to send the request) or rejected it, and why.
 *
 * The CLIs (scripts/cli-setup.sh): awscli v1 and azure-cli from PyPI, pinned, in cached virtual
 * environments; the installed Google Cloud CLI. Each runs
 * - with the network cut (`unshare -n`; without it, proxies pointed at a closed local port),
 * - in an empty temporary HOME and configuration (no account, no default project, no region
 *   file), so a command that relies on a default the reader may not have fails as it would for
 *   them,
 * - with credentials that only get a command as far as the network: AWS's documented example
 *   key, and a dummy gcloud access token (`auth/access_token_file`); Azure stops at `az login`.
 * All commands of one CLI run in one Python process (tests/clis/batch.py), each with a time limit.
 */
import { execFile, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "../docs/markdown";

export type Cli = "aws" | "gcloud" | "az";
export const clis: readonly Cli[] = ["aws", "gcloud", "az"];

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export type Verdict =
  | { readonly accepted: true; readonly how: string }
  | { readonly accepted: false; readonly why: string };

/**
 * What each CLI prints once it has parsed a command and gone on to run it. Anything else (a
 * usage error, an unknown flag, a bad JMESPath or a missing required property) is a rejection.
 */
const acceptedWhen: Readonly<Record<Cli, readonly [RegExp, string][]>> = {
  aws: [
    // botocore builds, validates and signs the request, then cannot connect.
    [/Could not connect to the endpoint URL: "([^"]+)"/, "request to $1"],
    [/Failed to connect to proxy URL/, "request sent to the (closed) proxy"],
  ],
  gcloud: [
    [
      /ConnectionError\): HTTPSConnectionPool\(host='([^']+)'.*?with url: (\S+)/s,
      "request to https://$1$2",
    ],
    [/ProxyError|Unable to connect to proxy/, "request sent to the (closed) proxy"],
    [/default credentials were not found/, "stopped at application-default login"],
  ],
  az: [
    [/Please run 'az login' to setup account/, "stopped at az login"],
    [/Could not connect to the registry login server '([^']+)'/, "request to $1"],
    // `az acr login` runs `docker` first, once its arguments are parsed.
    [/DOCKER_COMMAND_ERROR/, "went on to run docker"],
  ],
};

export function verdictOf(cli: Cli, run: CliRun): Verdict {
  if (run.code === 0) return { accepted: true, how: "ran (exit 0)" };
  const output = `${run.stderr}\n${run.stdout}`;
  for (const [pattern, how] of acceptedWhen[cli]) {
    const match = pattern.exec(output);
    if (match) return { accepted: true, how: how.replace(/\$(\d)/g, (_, n) => match[Number(n)]) };
  }
  const lines = run.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  // The error lines, not the usage text around them.
  const errors = lines.filter((l) => /error|invalid|unrecognized|not recognized|required/i.test(l));
  const why = (errors.length > 0 ? errors : lines).slice(0, 4).join(" | ");
  return { accepted: false, why: `exit ${run.code}: ${why || "(no message)"}` };
}

/** Where scripts/cli-setup.sh installed each CLI. */
function installed(): Record<Cli, string> {
  const printed = spawnSync("bash", [join(repoRoot, "scripts", "cli-setup.sh"), "--print"], {
    encoding: "utf8",
  });
  if (printed.status !== 0) {
    throw new Error(`the real CLIs are not installed: ${printed.stderr.trim()}`);
  }
  const paths = Object.fromEntries(
    printed.stdout
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
  for (const cli of clis) {
    if (!paths[cli]) {
      throw new Error(
        `${cli} not found: ${cli === "gcloud" ? "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)" : "run npm run clis:setup"}`,
      );
    }
  }
  return paths as Record<Cli, string>;
}

/** How the batch is kept off the network: a namespace without interfaces when one can be made. */
export function networkGuard(): { prefix: string[]; env: Record<string, string>; how: string } {
  for (const flags of [["-n"], ["-rn"]]) {
    if (spawnSync("unshare", [...flags, "true"]).status === 0) {
      return { prefix: ["unshare", ...flags], env: {}, how: `unshare ${flags.join(" ")}` };
    }
  }
  const closed = "http://127.0.0.1:9";
  return {
    prefix: [],
    env: { HTTPS_PROXY: closed, HTTP_PROXY: closed, https_proxy: closed, http_proxy: closed },
    how: "proxies pointed at a closed port (unshare is not permitted here)",
  };
}

/** The interpreter that runs each CLI, and the environment it needs beyond the common one. */
function interpreter(
  cli: Cli,
  executable: string,
  home: string,
): { argv: string[]; env: Record<string, string> } {
  if (cli === "gcloud") {
    // bin/gcloud is a shell wrapper around lib/gcloud.py, run by the SDK's bundled Python with -S.
    const root = dirname(dirname(realpathSync(executable)));
    const bundled = join(root, "platform", "bundledpythonunix", "bin", "python3");
    const python = existsSync(bundled) ? bundled : (process.env.CLOUDSDK_PYTHON ?? "python3");
    writeFileSync(join(home, "gcloud-token"), "dummy-access-token\n");
    return {
      argv: [python, "-S"],
      env: {
        PYTHONPATH: join(root, "lib"),
        CLOUDSDK_CONFIG: join(home, "gcloud"),
        CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
        CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: "true",
        CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: "true",
        CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: join(home, "gcloud-token"),
      },
    };
  }
  // The venv's console script: its interpreter runs batch.py with the same packages.
  const python = join(dirname(executable), "python");
  if (cli === "aws") {
    writeFileSync(join(home, "aws-config"), "");
    return {
      argv: [python],
      env: {
        AWS_CONFIG_FILE: join(home, "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-config"),
        AWS_EC2_METADATA_DISABLED: "true",
        // The example key of the AWS docs: enough to sign, valid nowhere.
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_MAX_ATTEMPTS: "1",
        AWS_RETRY_MODE: "standard",
        AWS_PAGER: "",
      },
    };
  }
  return {
    argv: [python],
    env: {
      AZURE_CONFIG_DIR: join(home, "azure"),
      AZURE_CORE_COLLECT_TELEMETRY: "false",
      AZURE_CORE_NO_COLOR: "true",
      AZURE_CORE_ONLY_SHOW_ERRORS: "true",
    },
  };
}

/** Runs every command of one CLI in one process; one result per command, in order. */
export async function runBatch(
  cli: Cli,
  commands: readonly (readonly string[])[],
): Promise<CliRun[]> {
  const executable = installed()[cli];
  const home = mkdtempSync(join(tmpdir(), `ha-clis-${cli}-`));
  mkdirSync(join(home, "work"));
  const { argv, env } = interpreter(cli, executable, home);
  const guard = networkGuard();
  const commandsFile = join(home, "commands.json");
  const resultsFile = join(home, "results.json");
  writeFileSync(commandsFile, JSON.stringify(commands));
  const [file, ...args] = [
    ...guard.prefix,
    ...argv,
    join(__dirname, "batch.py"),
    cli,
    commandsFile,
    resultsFile,
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: join(home, "work"),
        timeout: 5 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: home,
          LANG: "C.UTF-8",
          HA_CLI_COMMAND_TIMEOUT: "60",
          ...guard.env,
          ...env,
        },
      },
      (error, _stdout, stderr) =>
        error === null
          ? resolve()
          : reject(new Error(`${cli} batch failed: ${error.message}\n${stderr}`)),
    );
  });
  return JSON.parse(readFileSync(resultsFile, "utf8")) as CliRun[];
}

/**
 * The values a runbook's shell variables hold when an engineer runs it, per CLI (the region of an
 * AWS command is an AWS region). A documented command that uses a variable not listed here fails
 * the check: add the value the runbook would have set.
 */
export const shellSamples: Readonly<Record<Cli, Readonly<Record<string, string>>>> = {
  aws: {
    region: "us-east-1",
    cluster: "web-cluster",
    service: "web-service",
    task: "arn:aws:ecs:us-east-1:123456789012:task/web-cluster/0123456789abcdef0123456789abcdef",
    tg: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/6d0ecf831eec9f09",
    taskdef: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
    logs: "/ecs/web-test",
  },
  gcloud: {
    project: "ha-web-test",
    region: "us-central1",
    zone: "us-central1-a",
    zones: "us-central1-a,us-central1-b,us-central1-c",
    group: "web-mig",
    backend: "web-backend",
    template: "web-template-20261129",
    heal: "web-autoheal",
    size: "3",
    family: "cos-stable",
    vm_url:
      "https://www.googleapis.com/compute/v1/projects/ha-web-test/zones/us-central1-a/instances/web-vm-x1",
    repository: "us-central1-docker.pkg.dev/ha-web-shared/web/web",
  },
  az: {
    rg: "ha-web-test",
    vmss: "web-vmss",
    id: "0",
    repository: "hawebshared.azurecr.io/web",
    image: `hawebshared.azurecr.io/web@sha256:${"a".repeat(64)}`,
  },
};

/** What a `$( … )` inside a documented command prints, by the start of the inner command. */
const substitutionSamples: Readonly<Record<string, string>> = {
  "pulumi config get gcp:project": "ha-web-test",
  "pulumi -C bootstrap stack output hostImage":
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ha-web-shared/providers/Microsoft.Compute/galleries/hawebshared/images/web-host/versions/1.0.0",
  "aws ecs list-tasks":
    "arn:aws:ecs:us-east-1:123456789012:task/web-cluster/0123456789abcdef0123456789abcdef",
};

/** `pattern` of `${name#pattern}` and friends, as a regular expression. */
const globSource = (pattern: string) =>
  pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");

/** Removes a shell pattern the way `${v#p}`, `${v##p}`, `${v%p}` and `${v%%p}` do. */
function strip(value: string, op: string, pattern: string): string {
  const source = globSource(pattern);
  const greedy = op.length === 2;
  if (op.startsWith("#")) {
    const match = new RegExp(`^(${greedy ? source : source.replace(/\.\*/g, ".*?")})`).exec(value);
    return match ? value.slice(match[0].length) : value;
  }
  // Shortest suffix for %, longest for %%: try each start position from the end or the start.
  const starts = [...Array(value.length + 1).keys()];
  for (const start of greedy ? starts : starts.reverse()) {
    if (new RegExp(`^${source}$`).test(value.slice(start))) return value.slice(0, start);
  }
  return value;
}

/** A documented word with its shell variables and substitutions replaced by sample values. */
export function expandWord(word: string, cli: Cli): string {
  const samples = shellSamples[cli];
  const value = (name: string) => {
    const sample = samples[name];
    if (sample === undefined) {
      throw new Error(`no sample value for $${name} in ${cli} commands: add it to shellSamples`);
    }
    return sample;
  };
  let out = "";
  let i = 0;
  while (i < word.length) {
    if (word.startsWith("$(", i)) {
      let depth = 0;
      let end = i + 1;
      for (; end < word.length; end += 1) {
        if (word[end] === "(") depth += 1;
        if (word[end] === ")" && --depth === 0) break;
      }
      const inner = word.slice(i + 2, end).trim();
      const key = Object.keys(substitutionSamples).find((k) => inner.startsWith(k));
      if (key === undefined) throw new Error(`no sample output for $(${inner}): add it`);
      out += substitutionSamples[key];
      i = end + 1;
    } else if (word.startsWith("${", i)) {
      const end = word.indexOf("}", i);
      const [, name, op = "", pattern = ""] = /^([A-Za-z_]\w*)(##|#|%%|%)?(.*)$/.exec(
        word.slice(i + 2, end),
      ) ?? [undefined, ""];
      out += op === "" ? value(name) : strip(value(name), op, pattern);
      i = end + 1;
    } else if (word[i] === "$" && /[A-Za-z_]/.test(word[i + 1] ?? "")) {
      const name = /^[A-Za-z_]\w*/.exec(word.slice(i + 1))?.[0] ?? "";
      out += value(name);
      i += 1 + name.length;
    } else {
      out += word[i];
      i += 1;
    }
  }
  // `<id>`: a placeholder the reader fills in by hand.
  return /^<[a-z-]+>$/.test(out) ? value(out.slice(1, -1)) : out;
}
