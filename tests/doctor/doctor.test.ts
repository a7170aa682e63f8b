import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import {
  compareVersions,
  DoctorEnv,
  ExecResult,
  exitCodeOf,
  Finding,
  render,
  runDoctor,
} from "../../tools/doctor/checks";

const root = join(__dirname, "..", "..");

/** A command's answer on the fake machine. */
const says = (stdout: string): ExecResult => ({ code: 0, stdout, stderr: "", missing: false });
const fails = (stderr: string, code = 1): ExecResult => ({
  code,
  stdout: "",
  stderr,
  missing: false,
});
const notInstalled: ExecResult = { code: null, stdout: "", stderr: "", missing: true };

interface Machine {
  readonly commands: Record<string, ExecResult>;
  readonly env: Record<string, string>;
  readonly nodeVersion: string;
  readonly files: Record<string, string>;
}

/** A developer machine where `pulumi up` of the test stack can proceed. */
const ready: Machine = {
  commands: {
    "pulumi version": says("v3.190.0\n"),
    "pulumi whoami --verbose": says(
      "User: dev\nOrganizations: \nBackend URL: file:///home/dev/.pulumi\n",
    ),
    "pulumi stack --show-name": says("test\n"),
    "docker info --format {{.ServerVersion}}": says("27.3.1\n"),
    "aws sts get-caller-identity --output text --query Arn": says(
      "arn:aws:iam::123456789012:user/dev\n",
    ),
    "aws --version": says("aws-cli/2.17.0 Python/3.12.4 Linux/6.1.0 exe/x86_64.debian.12\n"),
    "jq --version": says("jq-1.6\n"),
  },
  env: {},
  nodeVersion: "v20.18.1",
  files: {
    "package.json": JSON.stringify({ engines: { node: ">=20.18.1" } }),
    "Pulumi.yaml": "name: ha-web-service\nconfig:\n  cloud:\n    default: aws\n",
    "Pulumi.test.yaml": "config:\n  ha-web-service:cloud: aws\n  aws:region: us-east-1\n",
  },
};

function fake(machine: Machine): DoctorEnv & { readonly ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    env: machine.env,
    nodeVersion: machine.nodeVersion,
    readFile: (path) => machine.files[path],
    exec: async (command, args) => {
      const line = [command, ...args].join(" ");
      ran.push(line);
      // Anything the machine does not list is not installed.
      return (
        machine.commands[line] ?? (machine.commands[command] ? fails("unexpected") : notInstalled)
      );
    },
  };
}

const change = (patch: Partial<Machine>): Machine => ({
  ...ready,
  ...patch,
  commands: { ...ready.commands, ...(patch.commands ?? {}) },
  files: { ...ready.files, ...(patch.files ?? {}) },
});

const problems = (findings: Finding[]) =>
  findings.filter((f) => f.status === "problem").map((f) => `${f.check}: ${f.message}`);

describe("doctor on a faked machine", () => {
  it("passes, exit 0, when pulumi up can proceed", async () => {
    const findings = await runDoctor(fake(ready));
    assert.deepEqual(problems(findings), []);
    assert.equal(exitCodeOf(findings), 0);
    assert.equal(
      render(findings),
      [
        "✓ node         v20.18.1 (>= 20.18.1)",
        "✓ pulumi       v3.190.0",
        "✓ backend      file:///home/dev/.pulumi",
        "✓ stack        test (cloud aws, region us-east-1)",
        "✓ secrets      no secrets yet",
        "✓ docker       engine 27.3.1",
        "✓ credentials  AWS as arn:aws:iam::123456789012:user/dev",
        "✓ tools        aws, jq (what the drills and runbooks run)",
        "",
      ].join("\n"),
    );
  });

  it("reports a missing Pulumi CLI once, with how to install it, and skips what needs it", async () => {
    const machine = change({ commands: {} });
    const commands = { ...machine.commands };
    for (const key of Object.keys(commands)) if (key.startsWith("pulumi")) delete commands[key];
    const findings = await runDoctor(fake({ ...machine, commands }));
    assert.deepEqual(problems(findings), [
      "pulumi: Pulumi CLI not found: install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi`) and open a new shell",
    ]);
    assert.deepEqual(
      findings.filter((f) => f.status === "skipped").map((f) => f.check),
      ["backend", "stack", "secrets", "credentials", "tools"],
    );
    assert.equal(exitCodeOf(findings), 1);
  });

  it("still checks credentials without the CLI when the stack is given", async () => {
    const commands = Object.fromEntries(
      Object.entries(ready.commands).filter(([k]) => !k.startsWith("pulumi")),
    );
    const findings = await runDoctor(fake({ ...ready, commands }), { stack: "test" });
    assert.equal(findings.find((f) => f.check === "credentials")?.status, "ok");
  });

  it("reports a Node older than package.json's engines", async () => {
    const findings = await runDoctor(fake(change({ nodeVersion: "v18.20.4" })));
    assert.deepEqual(problems(findings), [
      "node: Node v18.20.4 is older than 20.18.1 (package.json engines): install Node 20.18.1 or newer, e.g. `nvm install 20`",
    ]);
  });

  it("reports an old Pulumi CLI", async () => {
    const findings = await runDoctor(
      fake(change({ commands: { "pulumi version": says("v3.40.0\n") } })),
    );
    assert.deepEqual(problems(findings), [
      "pulumi: Pulumi CLI v3.40.0 is older than 3.61.0: upgrade with `curl -fsSL https://get.pulumi.com | sh`",
    ]);
  });

  it("reports no state backend login with the local default and the doc", async () => {
    const findings = await runDoctor(
      fake(
        change({
          commands: {
            "pulumi whoami --verbose": fails(
              "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
            ),
          },
        }),
      ),
    );
    assert.deepEqual(problems(findings), [
      "backend: not logged in to a state backend: run `pulumi login --local` or `pulumi login s3://<bucket>` (see docs/state-backend.md)",
    ]);
  });

  it("reports no selected stack", async () => {
    const findings = await runDoctor(
      fake(change({ commands: { "pulumi stack --show-name": fails("error: no stack selected") } })),
    );
    assert.deepEqual(problems(findings), [
      "stack: no stack selected: run `pulumi stack select test` (or pass --stack test)",
    ]);
  });

  it("reports a Docker client without a running engine", async () => {
    const findings = await runDoctor(
      fake(
        change({
          commands: {
            "docker info --format {{.ServerVersion}}": fails(
              "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.",
            ),
          },
        }),
      ),
    );
    assert.deepEqual(problems(findings), [
      "docker: the Docker engine is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock.): start it (`sudo systemctl start docker` or open Docker Desktop)",
    ]);
  });

  it("reports a passphrase stack without the passphrase in the environment", async () => {
    const files = {
      "Pulumi.test.yaml": `${ready.files["Pulumi.test.yaml"]}encryptionsalt: v1:abc\n`,
    };
    assert.deepEqual(problems(await runDoctor(fake(change({ files })))), [
      "secrets: stack test encrypts secrets with a passphrase: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) first",
    ]);
    const withPassphrase = change({ files, env: { PULUMI_CONFIG_PASSPHRASE: "x" } });
    assert.deepEqual(problems(await runDoctor(fake(withPassphrase))), []);
  });

  // The credentials each cloud's provider would find, per stack cloud: none, then a way that works.
  const credentialRows: [string, Partial<Machine>, string | null][] = [
    [
      "aws with no credentials and no AWS CLI",
      { commands: { "aws sts get-caller-identity --output text --query Arn": notInstalled } },
      "credentials: no AWS credentials: export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or install the AWS CLI and run `aws sso login`",
    ],
    [
      "aws with an expired CLI session",
      {
        commands: {
          "aws sts get-caller-identity --output text --query Arn": fails(
            "Error when retrieving token from sso: Token has expired",
          ),
        },
      },
      "credentials: no usable AWS credentials (Error when retrieving token from sso: Token has expired): run `aws sso login` or `aws configure`",
    ],
    [
      "aws with keys in the environment",
      {
        commands: { "aws sts get-caller-identity --output text --query Arn": notInstalled },
        env: { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" },
      },
      null,
    ],
    [
      "gcp with no credentials",
      { files: { "Pulumi.test.yaml": "config:\n  ha-web-service:cloud: gcp\n" } },
      "credentials: no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS, or install gcloud and run `gcloud auth application-default login`",
    ],
    [
      "gcp with application-default credentials",
      {
        files: { "Pulumi.test.yaml": "config:\n  ha-web-service:cloud: gcp\n" },
        commands: { "gcloud auth application-default print-access-token": says("ya29.token\n") },
      },
      null,
    ],
    [
      "azure with no credentials",
      { files: { "Pulumi.test.yaml": "config:\n  ha-web-service:cloud: azure\n" } },
      "credentials: no Azure credentials: export ARM_CLIENT_ID/ARM_TENANT_ID/ARM_SUBSCRIPTION_ID with a secret or OIDC, or install the Azure CLI and run `az login`",
    ],
    [
      "azure with OIDC ARM_* variables",
      {
        files: { "Pulumi.test.yaml": "config:\n  ha-web-service:cloud: azure\n" },
        env: {
          ARM_CLIENT_ID: "c",
          ARM_TENANT_ID: "t",
          ARM_SUBSCRIPTION_ID: "s",
          ARM_USE_OIDC: "true",
        },
      },
      null,
    ],
  ];
  for (const [label, patch, expected] of credentialRows) {
    it(`credentials: ${label}`, async () => {
      const findings = await runDoctor(fake(change(patch)));
      assert.deepEqual(
        problems(findings).filter((p) => p.startsWith("credentials:")),
        expected === null ? [] : [expected],
      );
    });
  }

  const gcpStack = { "Pulumi.test.yaml": "config:\n  ha-web-service:cloud: gcp\n" };
  const gcloudReady = {
    "gcloud auth list --filter=status:ACTIVE --format=value(account)": says("dev@example.com\n"),
    "gcloud config get-value project": says("acme-ha-web-test\n"),
    "gcloud auth application-default print-access-token": says("ya29.token\n"),
    "gcloud version": says("Google Cloud SDK 528.0.0\n"),
  };
  // What the drills and runbooks run: checked per cloud, even with credentials from the environment.
  const toolRows: [string, Partial<Machine>, { cloud?: "aws" | "gcp" | "azure" }, string[]][] = [
    [
      "AWS CLI v1 is refused: aws logs tail and aws sso login need v2",
      {
        commands: {
          "aws --version": says("aws-cli/1.46.2 Python/3.11.7 Linux/6.1.0 botocore/1.38.0\n"),
        },
      },
      {},
      [
        "tools: AWS CLI v2 is needed (`aws logs tail`, `aws sso login`); v1 was found (aws-cli/1.46.2 Python/3.11.7 Linux/6.1.0 botocore/1.38.0): install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) (the drills and runbooks need them)",
      ],
    ],
    [
      "no jq, and no AWS CLI although the keys come from the environment",
      {
        commands: {
          "aws --version": notInstalled,
          "jq --version": notInstalled,
          "aws sts get-caller-identity --output text --query Arn": notInstalled,
        },
        env: { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" },
      },
      {},
      [
        "tools: aws not found: install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html); jq not found: install jq (apt-get install jq, brew install jq) (the drills and runbooks need them)",
      ],
    ],
    ["gcloud logged in with a project and ADC", { files: gcpStack, commands: gcloudReady }, {}, []],
    [
      "gcloud with ADC but no account of its own",
      {
        files: gcpStack,
        commands: {
          ...gcloudReady,
          "gcloud auth list --filter=status:ACTIVE --format=value(account)": says(""),
        },
      },
      {},
      ["credentials: gcloud has no active account: run `gcloud auth login`"],
    ],
    [
      "gcloud with no default project",
      {
        files: gcpStack,
        commands: { ...gcloudReady, "gcloud config get-value project": says("(unset)\n") },
      },
      {},
      [
        "credentials: gcloud has no default project: run `gcloud config set project <gcp:project of the stack>`",
      ],
    ],
    [
      "--cloud gcp on a stack file that still says aws (a first deploy): gcp is checked",
      { commands: gcloudReady },
      { cloud: "gcp" },
      [],
    ],
    [
      "--cloud azure with no az: the azure tools are reported, not the stack's aws ones",
      {
        env: {
          ARM_CLIENT_ID: "c",
          ARM_TENANT_ID: "t",
          ARM_SUBSCRIPTION_ID: "s",
          ARM_USE_OIDC: "true",
        },
      },
      { cloud: "azure" },
      [
        "tools: az not found: install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) (the drills and runbooks need them)",
      ],
    ],
  ];
  for (const [label, patch, options, expected] of toolRows) {
    it(`tools and logins: ${label}`, async () => {
      const machine = fake(change(patch));
      assert.deepEqual(problems(await runDoctor(machine, options)), expected);
    });
  }

  it("compares versions numerically, not as text", () => {
    assert.ok(compareVersions("v20.9.0", "20.18.1") < 0);
    assert.ok(compareVersions("v22.0.0", "20.18.1") > 0);
    assert.equal(compareVersions("3.61.0", "v3.61.0"), 0);
  });
});

describe("doctor as a real process", () => {
  it("exits non-zero and names the missing Pulumi CLI on a machine without it", function () {
    this.timeout(30_000);
    // Only Node's own directory on PATH: no pulumi, docker or cloud CLI, whatever this machine has.
    const result = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "tools/doctor/cli.ts", "--stack", "test"],
      {
        cwd: root,
        encoding: "utf8",
        env: { PATH: dirname(process.execPath), HOME: process.env.HOME ?? "/tmp" },
        timeout: 25_000,
      },
    );
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.split("\n");
    assert.ok(
      lines.includes(
        "✗ pulumi       Pulumi CLI not found: install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi`) and open a new shell",
      ),
      result.stdout,
    );
    assert.ok(
      lines.some((line) => line.startsWith("✓ node")),
      result.stdout,
    );
  });
});
