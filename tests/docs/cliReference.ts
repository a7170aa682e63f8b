/**
 * What no real CLI on this machine or in CI can check about the docs' cloud commands. Everything
 * else (subcommands, flags, values, `--query` syntax, a missing `--project`) is checked by running
 * the real aws, gcloud and az offline: tests/clis/commands.test.ts. Each entry says in one line why
 * it stays here.
 */

export type Cli = "aws" | "gcloud" | "az";

export interface TableOnlyCommand {
  readonly cli: Cli;
  /** Subcommand path, without the CLI's name. */
  readonly command: string;
  /** Its own flags, from the reference. */
  readonly flags: readonly string[];
  /** Why no real CLI checks it, on one line. */
  readonly why: string;
  readonly reference: string;
}

// https://awscli.amazonaws.com/v2/documentation/api/latest/reference/index.html#options
const awsV2Global = [
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
];

const v2Only = "AWS CLI v2 only, and PyPI has only AWS CLI v1 (tests/clis proves v1 rejects it)";

export const tableOnlyCommands: readonly TableOnlyCommand[] = [
  {
    cli: "aws",
    command: "logs tail",
    flags: [
      ...awsV2Global,
      "--since",
      "--follow",
      "--format",
      "--filter-pattern",
      "--log-stream-names",
      "--log-stream-name-prefix",
    ],
    why: v2Only,
    reference: "https://awscli.amazonaws.com/v2/documentation/api/latest/reference/logs/tail.html",
  },
  {
    cli: "aws",
    command: "sso login",
    flags: [...awsV2Global, "--sso-session", "--no-browser", "--use-device-code"],
    why: v2Only,
    reference: "https://awscli.amazonaws.com/v2/documentation/api/latest/reference/sso/login.html",
  },
];

/** The table entry a command falls under, when only the table can check it. */
export function tableOnlyCommand(words: readonly string[]): TableOnlyCommand | undefined {
  const path = words.slice(1).join(" ");
  return tableOnlyCommands.find(
    (entry) => entry.cli === words[0] && `${path} `.startsWith(`${entry.command} `),
  );
}

/**
 * Commands that every CLI accepts but that mislead, each with the reason: only the response or the
 * command's effect shows the problem, and no cloud is reachable from the tests.
 */
export interface CommandRule {
  readonly name: string;
  /** Why the command is wrong, with the source that says so. */
  readonly why: string;
  readonly breaks: (words: readonly string[]) => boolean;
}

export const commandRules: readonly CommandRule[] = [
  {
    // The real az accepts it (tests/clis): the flaw is in the response's fields (JMESPath semantics).
    name: "az vmss get-instance-view --instance-id '*'",
    why: "that call returns instance views without an instanceId (azure-cli vmss get-instance-view), so an id column stays empty; use az vmss list-instances --expand instanceView",
    breaks: (w) => w[0] === "az" && w[2] === "get-instance-view" && w.includes("*"),
  },
  {
    // Parses with the GA flags; the flaw is its effect on the group's versions.
    name: "gcloud rolling-action replace",
    why: "it renames the group's version to 0/<time>, which the next pulumi up renames back, replacing every VM again (versions[].name, https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups); use pulumi up --replace on the instance template",
    breaks: (w) => w[0] === "gcloud" && w.includes("rolling-action") && w.includes("replace"),
  },
  {
    // AWS CLI v1 still has it, so the real v1 accepts it; v2, which the runbooks need, does not.
    name: "aws ecr get-login",
    why: "removed in AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/cliv2-migration-changes.html#cliv2-migration-ecr-get-login); use aws ecr get-login-password",
    breaks: (w) => w[0] === "aws" && w[1] === "ecr" && w[2] === "get-login",
  },
  {
    // Valid syntax for the real pulumi; the flaw is what it deletes.
    name: "pulumi stack rm without --preserve-config",
    why: "pulumi stack rm also deletes the committed Pulumi.<stack>.yaml unless --preserve-config is given (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_rm/)",
    breaks: (w) =>
      w[0] === "pulumi" && w[1] === "stack" && w[2] === "rm" && !w.includes("--preserve-config"),
  },
];
