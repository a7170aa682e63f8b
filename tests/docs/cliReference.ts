/**
 * The subcommands and flags of the cloud CLIs that the runbooks and drill docs may use, taken from
 * each CLI's command reference. A runbook command whose subcommand or flag is not listed fails
 * tests/docs/cliCommands.test.ts: add the entry only after reading the reference page.
 *
 * - aws: AWS CLI v2 command reference, 2.x
 *   (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/<service>/<command>.html).
 *   v2 only: `aws logs tail` and `aws sso login` do not exist in v1.
 * - gcloud: Google Cloud CLI 528.0.0, the GA track
 *   (https://cloud.google.com/sdk/gcloud/reference/<group>/<command>); flags only on the beta or
 *   alpha track (such as `rolling-action replace --min-ready`) are not GA and are not listed.
 * - az: Azure CLI 2.x (https://learn.microsoft.com/cli/azure/<group>#<command>).
 */

export type Cli = "aws" | "gcloud" | "az";

export interface CliReference {
  /** Flags every command takes. */
  readonly global: readonly string[];
  /** Short flags and the long flag each stands for. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Subcommand path (without the CLI's name) → its own flags. */
  readonly commands: Readonly<Record<string, readonly string[]>>;
}

const gcloudList = ["--filter", "--limit", "--page-size", "--sort-by", "--uri"];

export const cliReference: Readonly<Record<Cli, CliReference>> = {
  aws: {
    // https://awscli.amazonaws.com/v2/documentation/api/latest/reference/index.html#options
    global: [
      "--region",
      "--output",
      "--query",
      "--profile",
      "--no-cli-pager",
      "--no-paginate",
      "--debug",
      "--endpoint-url",
      "--color",
      "--cli-read-timeout",
      "--cli-connect-timeout",
    ],
    aliases: {},
    commands: {
      "ecs describe-services": ["--cluster", "--services", "--include"],
      "ecs describe-tasks": ["--cluster", "--tasks", "--include"],
      "ecs describe-task-definition": ["--task-definition", "--include"],
      "ecs list-tasks": [
        "--cluster",
        "--service-name",
        "--desired-status",
        "--family",
        "--started-by",
        "--launch-type",
        "--max-items",
        "--page-size",
        "--starting-token",
      ],
      "ecs stop-task": ["--cluster", "--task", "--reason"],
      "ecs update-service": [
        "--cluster",
        "--service",
        "--desired-count",
        "--task-definition",
        "--force-new-deployment",
        "--no-force-new-deployment",
      ],
      "ecs wait services-stable": ["--cluster", "--services", "--include"],
      "elbv2 describe-target-health": ["--target-group-arn", "--targets", "--include"],
      "ecr get-login-password": [],
      "ecr describe-images": ["--repository-name", "--image-ids", "--registry-id"],
      "ecr describe-image-scan-findings": ["--repository-name", "--image-id", "--registry-id"],
      "logs tail": [
        "--since",
        "--follow",
        "--format",
        "--filter-pattern",
        "--log-stream-names",
        "--log-stream-name-prefix",
      ],
      "sso login": ["--sso-session", "--no-browser", "--use-device-code"],
      "sts get-caller-identity": [],
      "cloudwatch describe-alarms": ["--alarm-names", "--alarm-name-prefix", "--state-value"],
    },
  },
  gcloud: {
    // https://cloud.google.com/sdk/gcloud/reference#--account (GCLOUD WIDE FLAGS)
    global: [
      "--project",
      "--format",
      "--quiet",
      "--verbosity",
      "--account",
      "--billing-project",
      "--configuration",
      "--flatten",
      "--impersonate-service-account",
      "--log-http",
      "--user-output-enabled",
    ],
    aliases: { "-q": "--quiet" },
    commands: {
      "compute instance-groups managed describe": ["--region", "--zone"],
      "compute instance-groups managed list-instances": ["--region", "--zone", ...gcloudList],
      "compute instance-groups managed list-errors": ["--region", "--zone", ...gcloudList],
      "compute instance-groups managed list": ["--regions", "--zones", ...gcloudList],
      "compute instance-groups managed wait-until": [
        "--stable",
        "--version-target-reached",
        "--timeout",
        "--region",
        "--zone",
      ],
      // GA: --max-surge, --max-unavailable, --replacement-method; --min-ready is beta only.
      "compute instance-groups managed rolling-action replace": [
        "--max-surge",
        "--max-unavailable",
        "--replacement-method",
        "--region",
        "--zone",
      ],
      // https://cloud.google.com/sdk/gcloud/reference/compute/instance-groups/managed/create
      "compute instance-groups managed create": [
        "--template",
        "--size",
        "--zones",
        "--zone",
        "--region",
        "--health-check",
        "--initial-delay",
        "--base-instance-name",
      ],
      "compute instance-groups managed set-named-ports": ["--named-ports", "--region", "--zone"],
      "compute instance-groups managed delete": ["--region", "--zone"],
      // https://cloud.google.com/sdk/gcloud/reference/compute/backend-services/add-backend (and
      // update-backend, remove-backend)
      "compute backend-services add-backend": [
        "--global",
        "--region",
        "--instance-group",
        "--instance-group-region",
        "--instance-group-zone",
        "--balancing-mode",
        "--max-utilization",
        "--capacity-scaler",
      ],
      "compute backend-services update-backend": [
        "--global",
        "--region",
        "--instance-group",
        "--instance-group-region",
        "--instance-group-zone",
        "--balancing-mode",
        "--max-utilization",
        "--capacity-scaler",
      ],
      "compute backend-services remove-backend": [
        "--global",
        "--region",
        "--instance-group",
        "--instance-group-region",
        "--instance-group-zone",
      ],
      "compute disks list": ["--zones", "--regions", ...gcloudList],
      "compute ssl-certificates list": ["--global", "--regions", ...gcloudList],
      "compute instances delete": ["--zone", "--delete-disks", "--keep-disks"],
      "compute instances get-serial-port-output": ["--zone", "--port", "--start"],
      "compute addresses list": ["--global", "--regions", ...gcloudList],
      "compute backend-services get-health": ["--global", "--region"],
      "compute images describe-from-family": [],
      "logging read": [
        "--bucket",
        "--location",
        "--view",
        "--freshness",
        "--order",
        "--limit",
        "--resource-names",
      ],
      "auth configure-docker": [],
      "auth login": ["--no-launch-browser", "--update-adc"],
      "auth application-default login": [],
      "config set": [],
      "config get-value": [],
      "artifacts docker images describe": ["--show-package-vulnerability"],
    },
  },
  az: {
    // https://learn.microsoft.com/cli/azure/reference-index (global parameters)
    global: ["--subscription", "--output", "--query", "--only-show-errors", "--verbose", "--debug"],
    aliases: { "-g": "--resource-group", "-n": "--name", "-o": "--output", "-l": "--location" },
    commands: {
      "vmss list-instances": ["--resource-group", "--name", "--expand", "--filter", "--select"],
      "vmss get-instance-view": ["--resource-group", "--name", "--instance-id"],
      "vmss show": ["--resource-group", "--name", "--instance-id", "--include-user-data"],
      "vmss scale": ["--resource-group", "--name", "--new-capacity", "--no-wait"],
      "vmss delete-instances": [
        "--resource-group",
        "--name",
        "--instance-ids",
        "--no-wait",
        "--force-deletion",
      ],
      "vmss run-command invoke": [
        "--resource-group",
        "--name",
        "--instance-id",
        "--command-id",
        "--scripts",
        "--parameters",
      ],
      "vmss rolling-upgrade get-latest": ["--resource-group", "--name"],
      "vmss rolling-upgrade cancel": ["--resource-group", "--name", "--no-wait"],
      "vmss rolling-upgrade start": ["--resource-group", "--name", "--no-wait"],
      "vm image list": ["--publisher", "--offer", "--sku", "--all", "--location", "--architecture"],
      "acr login": ["--name", "--expose-token", "--username", "--password"],
      "acr repository update": [
        "--name",
        "--image",
        "--repository",
        "--write-enabled",
        "--delete-enabled",
        "--list-enabled",
        "--read-enabled",
      ],
      "group list": ["--tag"],
      "account show": ["--name"],
      "account set": ["--name"],
      login: ["--tenant", "--use-device-code", "--identity"],
    },
  },
};

/**
 * Commands that parse but mislead, each with the reason. Checked after the table.
 */
export interface CommandRule {
  readonly name: string;
  /** Why the command is wrong, with the source that says so. */
  readonly why: string;
  readonly breaks: (words: readonly string[]) => boolean;
}

export const commandRules: readonly CommandRule[] = [
  {
    name: "gcloud without --project",
    why: "a resource URL or name does not stand in for the project: without a default project gcloud fails (https://cloud.google.com/sdk/gcloud/reference#--project); pass --project",
    breaks: (w) =>
      w[0] === "gcloud" &&
      !["auth", "config"].includes(w[1] ?? "") &&
      !w.some((x) => x === "--project" || x.startsWith("--project=")),
  },
  {
    name: "az vmss get-instance-view --instance-id '*'",
    why: "that call returns instance views without an instanceId (azure-cli vmss get-instance-view), so an id column stays empty; use az vmss list-instances --expand instanceView",
    breaks: (w) => w[0] === "az" && w[2] === "get-instance-view" && w.includes("*"),
  },
  {
    name: "gcloud rolling-action replace",
    why: "it renames the group's version to 0/<time>, which the next pulumi up renames back, replacing every VM again (versions[].name, https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups); use pulumi up --replace on the instance template",
    breaks: (w) => w[0] === "gcloud" && w.includes("rolling-action") && w.includes("replace"),
  },
  {
    name: "pulumi stack rm without --preserve-config",
    why: "pulumi stack rm also deletes the committed Pulumi.<stack>.yaml unless --preserve-config is given (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_rm/)",
    breaks: (w) =>
      w[0] === "pulumi" && w[1] === "stack" && w[2] === "rm" && !w.includes("--preserve-config"),
  },
];
