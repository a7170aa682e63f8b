import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

/**
 * The instances' cloud-init (cloud-config), as a pure function of plain values so that tests can
 * render, validate (`cloud-init schema`) and shellcheck it. The scripts live next to this file as
 * real shell files; only the values they read (/etc/default/web) are generated.
 */
export interface CloudInitOptions {
  /** Registry login server, `<name>.azurecr.io`. */
  readonly registry: string;
  readonly image: string;
  /** Client id of the user-assigned identity the instance asks IMDS for a token as. */
  readonly identityClientId: string;
  readonly containerPort: number;
  readonly drainSeconds: number;
  /** nginx's idle keep-alive, longer than the load balancer's idle timeout (components/keepalive.ts). */
  readonly keepaliveSeconds: number;
  readonly logRetentionDays: number;
  /** False when no SSH key was given: sshd is then stopped for good. */
  readonly sshLogin: boolean;
}

export const scriptPaths = {
  start: "/usr/local/bin/web-start",
  drain: "/usr/local/bin/web-drain",
  environment: "/etc/default/web",
  drainUnit: "/etc/systemd/system/web-drain.service",
  journald: "/etc/systemd/journald.conf.d/web-retention.conf",
  aptPeriodic: "/etc/apt/apt.conf.d/99-web-no-unattended-upgrades",
} as const;

/**
 * Ubuntu's unattended-upgrades installs security updates on every VM in the same daily window and
 * may restart dockerd, which kills the container without a drain, on all instances at once. The
 * OS instead changes only when `image.version` (compute.ts) is bumped: a model change that the
 * health-gated rolling upgrade rolls out batch by batch. (Automatic VM guest patching, the
 * health-aware alternative, is documented for VMs and Flexible scale sets; a Uniform scale set's
 * equivalent, automatic OS image upgrades, needs the `latest` image version, which would change
 * the OS outside any deploy.)
 * https://learn.microsoft.com/azure/virtual-machines/automatic-vm-guest-patching
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-automatic-upgrade
 * https://documentation.ubuntu.com/server/how-to/software/automatic-updates/
 */
export const aptPeriodicOff =
  'APT::Periodic::Update-Package-Lists "0";\nAPT::Periodic::Unattended-Upgrade "0";\n';
export const aptTimers = ["apt-daily.timer", "apt-daily-upgrade.timer"] as const;

const scripts = {
  start: readFileSync(join(__dirname, "scripts", "web-start.sh"), "utf8"),
  drain: readFileSync(join(__dirname, "scripts", "web-drain.sh"), "utf8"),
};

/**
 * Seconds `docker stop` waits after SIGTERM before it kills the container: the drain plus time to
 * exit. It stays far below the terminate notification's 5 minutes (compute.ts).
 */
export function stopTimeoutSeconds(drainSeconds: number): number {
  return drainSeconds + 15;
}

export function renderCloudInit(options: CloudInitOptions): string {
  const config = {
    // Nothing is installed or upgraded at boot: Docker and jq are in the host image (hostImage.ts),
    // and the subnet's egress reaches no package mirror (network.ts). The OS changes only when
    // the host image version does, through a rolling upgrade.
    package_update: false,
    package_upgrade: false,
    write_files: [
      { path: scriptPaths.environment, permissions: "0644", content: environmentFile(options) },
      { path: scriptPaths.start, permissions: "0755", content: scripts.start },
      { path: scriptPaths.drain, permissions: "0755", content: scripts.drain },
      { path: scriptPaths.drainUnit, permissions: "0644", content: drainUnit },
      {
        path: scriptPaths.journald,
        permissions: "0644",
        // Container logs go to journald (docker's journald driver) and are kept this long on the
        // instance, and centrally in the stack's workspace (logging.ts).
        // ForwardToSyslog: the Azure Monitor Agent collects syslog (logging.ts), not the journal.
        content: `[Journal]\nMaxRetentionSec=${options.logRetentionDays}day\nSystemMaxUse=1G\nForwardToSyslog=yes\n`,
      },
      { path: scriptPaths.aptPeriodic, permissions: "0644", content: aptPeriodicOff },
    ],
    runcmd: [
      ...(options.sshLogin ? [] : ["systemctl disable --now ssh.socket ssh.service"]),
      `systemctl disable --now ${aptTimers.join(" ")}`,
      "systemctl restart systemd-journald",
      "systemctl daemon-reload",
      `systemctl enable --now ${unitName(scriptPaths.drainUnit)}`,
      scriptPaths.start,
    ],
  };
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

/** Single-quoted for sh: every character literal, a quote written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function environmentFile(options: CloudInitOptions): string {
  const values: Record<string, string | number> = {
    REGISTRY: options.registry,
    IMAGE: options.image,
    IDENTITY_CLIENT_ID: options.identityClientId,
    CONTAINER_PORT: options.containerPort,
    DRAIN_SECONDS: options.drainSeconds,
    STOP_TIMEOUT_SECONDS: stopTimeoutSeconds(options.drainSeconds),
    NGINX_KEEPALIVE_TIMEOUT_SECONDS: options.keepaliveSeconds,
  };
  const header = [
    "# Values for web-start and web-drain, which source this file.",
    "# shellcheck shell=sh disable=SC2034",
  ];
  return [...header, ...Object.entries(values).map(([k, v]) => `${k}=${shellQuote(String(v))}`)]
    .map((line) => `${line}\n`)
    .join("");
}

const drainUnit = `[Unit]
Description=Drain the web container before Azure deletes or reboots this instance
Wants=network-online.target
After=network-online.target docker.service

[Service]
ExecStart=${scriptPaths.drain}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
`;

function unitName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
