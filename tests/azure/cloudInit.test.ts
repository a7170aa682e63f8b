import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { guardedRules, planStack } from "../helpers/plan";
import { cloudInitOf, Plan, types, withEdited } from "./helpers";
import { sharedRegistryName } from "../../providers/azure/registry";
import { mockAccount } from "../../tools/plan/mocks/types";

/**
 * The rendered cloud-init, checked three ways: by cloud-init's own schema, by shellcheck for every
 * script in it, and against a snapshot (regenerate with UPDATE_SNAPSHOTS=1 after a reviewed
 * change). The snapshot is for review; what in it is essential is asserted below.
 */
const snapshotFile = join(__dirname, "__snapshots__", "cloud-init.test-stack.yaml");

interface CloudConfig {
  packages?: string[];
  package_update: boolean;
  package_upgrade: boolean;
  write_files: { path: string; permissions: string; content: string }[];
  runcmd: string[];
}

const load = () => planStack("test", "azure");
const withKey = () =>
  planStack("test", "azure", {
    // A well-formed Ed25519 key (32 bytes of key data): Azure, and so validate(), reject others.
    azureSshPublicKey:
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1c2VyLWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3 ops@example.com",
  });

let workDir: string;
before(() => {
  workDir = mkdtempSync(join(tmpdir(), "azure-cloud-init-"));
});
after(() => rmSync(workDir, { recursive: true, force: true }));

function configOf(plan: Plan): CloudConfig {
  const text = cloudInitOf(plan);
  assert.ok(text.startsWith("#cloud-config\n"), "cloud-init ignores user data without the header");
  return parse(text) as CloudConfig;
}

/** The plan with the rendered cloud-init's text replaced by `edit(text)`. */
function withCloudInit(plan: Plan, edit: (text: string) => string): Plan {
  return withEdited(plan, types.scaleSet, (inputs) => {
    const os = inputs.virtualMachineProfile.osProfile;
    const text = Buffer.from(os.customData, "base64").toString("utf8");
    os.customData = Buffer.from(edit(text)).toString("base64");
  });
}

function fileIn(config: CloudConfig, path: string): string {
  const file = config.write_files.find((f) => f.path === path);
  assert.ok(file, `cloud-init writes ${path}`);
  return file.content;
}

/** Runs a tool on text written to a temporary file; returns its exit status and output. */
function runOn(text: string, fileName: string, command: string, args: string[]) {
  const file = join(workDir, fileName);
  writeFileSync(file, text);
  const result = spawnSync(command, [...args, file], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function schemaCheck(plan: Plan): void {
  const { status, output } = runOn(cloudInitOf(plan), "user-data.yaml", "cloud-init", [
    "schema",
    "--config-file",
  ]);
  assert.equal(status, 0, output);
  assert.match(output, /Valid cloud-config/);
}

/** Every script the instance runs: executable files by their shebang, the rest as sh. */
function shellcheckAll(plan: Plan): void {
  const config = configOf(plan);
  const scripts = config.write_files
    .filter((f) => f.content.startsWith("#!"))
    .map((f) => ({ name: f.path, text: f.content }));
  assert.deepEqual(
    scripts.map((s) => s.name),
    ["/usr/local/bin/web-start", "/usr/local/bin/web-drain"],
  );
  // The environment file is sourced by both scripts; cloud-init runs runcmd as one sh script.
  scripts.push({ name: "/etc/default/web", text: fileIn(config, "/etc/default/web") });
  scripts.push({ name: "runcmd", text: `#!/bin/sh\n${config.runcmd.join("\n")}\n` });
  scripts.forEach((script, index) => {
    const { status, output } = runOn(script.text, `script-${index}`, "shellcheck", [
      "--severity=style",
    ]);
    assert.equal(status, 0, `${script.name}:\n${output}`);
  });
}

describe("azure cloud-init", () => {
  guardedRules<Plan>(load, [
    {
      name: "is valid cloud-config by cloud-init's own schema",
      check: schemaCheck,
      breakIt: (plan) =>
        withCloudInit(plan, (text) =>
          text.replace("package_update: false", 'package_update: "no"'),
        ),
    },
    {
      // Docker and jq come with the host image (providers/azure/hostImage.ts). A package installed
      // at boot would need Ubuntu's mirrors, which no service tag covers, so the subnet's egress
      // (network.ts) could not stay restricted (issue 15, fault 7).
      name: "installs, updates and upgrades no package at boot (the host image has them)",
      check: (plan) => {
        const config = configOf(plan);
        assert.equal(config.packages, undefined);
        assert.equal(config.package_update, false);
        assert.equal(config.package_upgrade, false);
        const scripts = [
          ...config.runcmd,
          ...config.write_files.filter((f) => f.content.startsWith("#!")).map((f) => f.content),
        ];
        for (const script of scripts) {
          assert.doesNotMatch(
            script,
            /\b(apt-get|apt|snap|dpkg|pip3?|curl -fsSL https?:\/\/get)\b.*\binstall\b/,
          );
        }
      },
      breakIt: (plan) =>
        withCloudInit(plan, (text) =>
          text.replace("package_update: false", "package_update: true\npackages: [docker.io]"),
        ),
    },
    {
      name: "every script in it passes shellcheck",
      check: shellcheckAll,
      breakIt: (plan) =>
        withCloudInit(plan, (text) =>
          text.replace("docker rm --force web", "docker rm --force $NAME"),
        ),
    },
    {
      name: "runs one read-only container that drains longer than the load balancer needs",
      check: (plan) => {
        const start = fileIn(configOf(plan), "/usr/local/bin/web-start");
        const run = start.slice(start.indexOf("docker run"));
        for (const flag of [
          "--restart=always",
          "--read-only --tmpfs /tmp",
          // Same hardening as GCP's startup script: no capabilities, no privilege gain (setuid).
          "--cap-drop=ALL --security-opt=no-new-privileges",
          '--publish "${CONTAINER_PORT}:${CONTAINER_PORT}"',
          '--stop-timeout "$STOP_TIMEOUT_SECONDS"',
          '--env "INSTANCE_ID=$(hostname)"',
          '--env "ZONE=${zone}"',
          '--env "DRAIN_SECONDS=${DRAIN_SECONDS}"',
          '--env "NGINX_KEEPALIVE_TIMEOUT_SECONDS=${NGINX_KEEPALIVE_TIMEOUT_SECONDS}"',
        ]) {
          assert.ok(run.includes(flag), `docker run lacks ${flag}`);
        }
        assert.equal(start.match(/docker run/g)?.length, 1, "one container");
      },
      breakIt: (plan) =>
        withEdited(plan, types.scaleSet, (inputs) => {
          const os = inputs.virtualMachineProfile.osProfile;
          const text = Buffer.from(os.customData, "base64").toString("utf8");
          os.customData = Buffer.from(text.replace(" --read-only", "")).toString("base64");
        }),
    },
  ]);

  it("is valid and clean with an SSH key too", async () => {
    const plan = await withKey();
    schemaCheck(plan);
    shellcheckAll(plan);
  });

  it("gives the scripts their values, quoted, and nothing secret", async () => {
    const plan = await load();
    const config = configOf(plan);
    const env = fileIn(config, "/etc/default/web");
    for (const script of ["/usr/local/bin/web-start", "/usr/local/bin/web-drain"]) {
      assert.match(
        fileIn(config, script),
        /^\. \/etc\/default\/web$/m,
        `${script} reads the values`,
      );
    }
    // The subscription's shared registry (bootstrap/registry.ts), named after the subscription.
    const loginServer = `${sharedRegistryName(mockAccount.azureSubscriptionId)}.azurecr.io`;
    assert.equal(
      env,
      [
        "# Values for web-start and web-drain, which source this file.",
        "# shellcheck shell=sh disable=SC2034",
        `REGISTRY='${loginServer}'`,
        `IMAGE='${loginServer}/web:1.0.0'`,
        `IDENTITY_CLIENT_ID='${/^IDENTITY_CLIENT_ID='([0-9a-f-]{36})'$/m.exec(env)?.[1]}'`,
        "CONTAINER_PORT='8080'",
        "DRAIN_SECONDS='30'",
        "STOP_TIMEOUT_SECONDS='45'",
        "NGINX_KEEPALIVE_TIMEOUT_SECONDS='260'",
        "",
      ].join("\n"),
    );
    assert.doesNotMatch(
      cloudInitOf(plan),
      /--password(?!-stdin)|password=|client_secret|PRIVATE KEY/i,
      "no credential of any kind is baked into the instance",
    );
  });

  it("logs in with the managed identity's token and keeps no registry credential", async () => {
    const start = fileIn(configOf(await load()), "/usr/local/bin/web-start");
    assert.ok(start.includes('readonly imds="http://169.254.169.254/metadata"'), "from IMDS");
    assert.ok(start.includes("${imds}/identity/oauth2/token?"), "a token");
    assert.ok(start.includes("client_id=${IDENTITY_CLIENT_ID}"), "for the user-assigned identity");
    assert.ok(start.includes('"https://${REGISTRY}/oauth2/exchange"'), "exchanged with ACR");
    assert.ok(start.includes("--password-stdin"), "never on the command line");
    assert.ok(start.includes('docker logout "$REGISTRY"'), "removed after the pull");
  });

  it("drains on Azure's terminate notice, keeps logs for the stack's retention, stops sshd without a key", async () => {
    const config = configOf(await load());
    assert.match(fileIn(config, "/usr/local/bin/web-drain"), /\.EventType == "Terminate"/);
    assert.match(
      fileIn(config, "/etc/systemd/system/web-drain.service"),
      /^WantedBy=multi-user\.target$/m,
    );
    assert.match(
      fileIn(config, "/etc/systemd/journald.conf.d/web-retention.conf"),
      /^MaxRetentionSec=7day$/m,
    );
    // No unattended-upgrades: it could restart dockerd on every VM in the same window (issue
    // 15, fault 6); the OS changes through the pinned image version and a rolling upgrade.
    assert.equal(
      fileIn(config, "/etc/apt/apt.conf.d/99-web-no-unattended-upgrades"),
      'APT::Periodic::Update-Package-Lists "0";\nAPT::Periodic::Unattended-Upgrade "0";\n',
    );
    assert.deepEqual(config.runcmd, [
      "systemctl disable --now ssh.socket ssh.service",
      "systemctl disable --now apt-daily.timer apt-daily-upgrade.timer",
      "systemctl restart systemd-journald",
      "systemctl daemon-reload",
      "systemctl enable --now web-drain.service",
      "/usr/local/bin/web-start",
    ]);
    const keyed = configOf(await withKey());
    assert.ok(!keyed.runcmd.some((line) => line.includes("ssh")), "sshd stays when a key is set");
  });

  it("matches the reviewed snapshot", async () => {
    const text = cloudInitOf(await load());
    if (process.env.UPDATE_SNAPSHOTS === "1") {
      writeFileSync(snapshotFile, text);
    }
    assert.ok(
      existsSync(snapshotFile),
      `no snapshot; run with UPDATE_SNAPSHOTS=1 to write ${snapshotFile}`,
    );
    assert.equal(text, readFileSync(snapshotFile, "utf8"));
  });
});
