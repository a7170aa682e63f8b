/** The doctor's GCP checks: credentials the provider and gcloud will find, and the CLIs the drills run. */
import {
  CloudTool,
  DoctorEnv,
  Finding,
  hasEnv,
  jqTool,
  ok,
  problem,
} from "../../tools/doctor/finding";

/**
 * Environment variables count as present; otherwise gcloud is asked for application-default
 * credentials, because a configured login can still be expired.
 */
export async function gcpCredentials(env: DoctorEnv): Promise<Finding> {
  const login = await checkGcloudLogin(env);
  if (login !== undefined) return login;
  if (
    hasEnv(env, "GOOGLE_APPLICATION_CREDENTIALS") ||
    hasEnv(env, "GOOGLE_CREDENTIALS") ||
    hasEnv(env, "GOOGLE_OAUTH_ACCESS_TOKEN")
  ) {
    return ok("credentials", "Google credentials from the environment");
  }
  const result = await env.exec("gcloud", ["auth", "application-default", "print-access-token"]);
  if (result.code === 0) return ok("credentials", "Google application-default credentials");
  return problem(
    "credentials",
    result.missing
      ? "no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS, or install gcloud and run `gcloud auth application-default login`"
      : "no Google application-default credentials: run `gcloud auth application-default login`",
  );
}

/**
 * The drills and runbooks call gcloud itself, which uses its own login and default project, not
 * the application-default credentials the Pulumi provider reads. Undefined when both are set.
 * https://cloud.google.com/sdk/gcloud/reference/auth/list
 */
async function checkGcloudLogin(env: DoctorEnv): Promise<Finding | undefined> {
  const accounts = await env.exec("gcloud", [
    "auth",
    "list",
    "--filter=status:ACTIVE",
    "--format=value(account)",
  ]);
  if (accounts.missing) return undefined; // checkCloudTools reports the missing CLI
  if (accounts.code !== 0 || accounts.stdout.trim() === "") {
    return problem("credentials", "gcloud has no active account: run `gcloud auth login`");
  }
  const project = await env.exec("gcloud", ["config", "get-value", "project"]);
  if (project.code !== 0 || project.stdout.trim() === "" || project.stdout.trim() === "(unset)") {
    return problem(
      "credentials",
      "gcloud has no default project: run `gcloud config set project <gcp:project of the stack>`",
    );
  }
  return undefined;
}

export const gcpTools: readonly CloudTool[] = [
  {
    command: "gcloud",
    args: ["version"],
    install: "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)",
  },
  jqTool,
];
