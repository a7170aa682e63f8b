/** The doctor's AWS checks: credentials the provider will find, and the CLIs the drills run. */
import {
  CloudTool,
  DoctorEnv,
  Finding,
  firstLine,
  hasEnv,
  jqTool,
  ok,
  problem,
} from "../../tools/doctor/finding";

/**
 * Environment variables count as present; otherwise the AWS CLI is asked, because a configured
 * profile can still be expired.
 */
export async function awsCredentials(env: DoctorEnv): Promise<Finding> {
  if (
    hasEnv(env, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") ||
    hasEnv(env, "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")
  ) {
    return ok("credentials", "AWS credentials from the environment");
  }
  const result = await env.exec("aws", [
    "sts",
    "get-caller-identity",
    "--output",
    "text",
    "--query",
    "Arn",
  ]);
  if (result.code === 0) return ok("credentials", `AWS as ${result.stdout.trim()}`);
  return problem(
    "credentials",
    result.missing
      ? "no AWS credentials: export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or install the AWS CLI and run `aws sso login`"
      : `no usable AWS credentials (${firstLine(result)}): run \`aws sso login\` or \`aws configure\``,
  );
}

/**
 * `aws logs tail` and `aws sso login` exist only in AWS CLI v2
 * (https://docs.aws.amazon.com/cli/latest/userguide/cliv2-migration-changes.html).
 */
export const awsTools: readonly CloudTool[] = [
  {
    command: "aws",
    args: ["--version"],
    install:
      "install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)",
    version: /^aws-cli\/2\./,
    versionHint: "AWS CLI v2 is needed (`aws logs tail`, `aws sso login`); v1 was found",
  },
  jqTool,
];
