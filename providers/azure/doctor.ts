/** The doctor's Azure checks: credentials the provider will find, and the CLIs the drills run. */
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
 * ARM_* variables count as present; otherwise the Azure CLI is asked, because a login can still be
 * expired.
 */
export async function azureCredentials(env: DoctorEnv): Promise<Finding> {
  if (
    hasEnv(env, "ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID") &&
    (hasEnv(env, "ARM_CLIENT_SECRET") || hasEnv(env, "ARM_USE_OIDC") || hasEnv(env, "ARM_USE_MSI"))
  ) {
    return ok("credentials", "Azure credentials from ARM_* variables");
  }
  const result = await env.exec("az", ["account", "show", "--query", "name", "--output", "tsv"]);
  if (result.code === 0) return ok("credentials", `Azure subscription ${result.stdout.trim()}`);
  return problem(
    "credentials",
    result.missing
      ? "no Azure credentials: export ARM_CLIENT_ID/ARM_TENANT_ID/ARM_SUBSCRIPTION_ID with a secret or OIDC, or install the Azure CLI and run `az login`"
      : "no Azure CLI login: run `az login` (and `az account set --subscription <id>`)",
  );
}

export const azureTools: readonly CloudTool[] = [
  {
    command: "az",
    args: ["version"],
    install: "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli)",
  },
  jqTool,
];
