import { DoctorEnv, Finding } from "./checks";

const check = "branch rules";

/**
 * Each GitHub environment a deploy identity trusts must let only `main` deploy: the identity
 * trusts whoever may run a job in the environment (bootstrap/trust.ts), and without a rule a job
 * on any pushed branch may declare it. Read with the GitHub CLI: `deployment_branch_policy` is
 * null when every branch may deploy, `protected_branches` allows every protected branch, and
 * `custom_branch_policies` the rules listed separately
 * (https://docs.github.com/en/rest/deployments/environments#get-an-environment,
 * https://docs.github.com/en/rest/deployments/branch-policies#list-deployment-branch-policies).
 */
export async function checkDeploymentBranches(
  env: DoctorEnv,
  repository: string,
  environments: readonly string[],
): Promise<Finding> {
  const fix = (environment: string) =>
    `in Settings → Environments → ${environment} → Deployment branches and tags, choose "Selected branches and tags" with the one rule main`;
  const wrong: string[] = [];
  for (const environment of environments) {
    const shown = await env.exec("gh", ["api", `repos/${repository}/environments/${environment}`]);
    if (shown.missing) {
      return {
        check,
        status: "problem",
        message: "GitHub CLI not found: install gh and run `gh auth login`",
      };
    }
    if (shown.code !== 0) {
      wrong.push(
        `environment ${environment} of ${repository} cannot be read (${(shown.stderr.trim() || `exit code ${shown.code}`).split("\n")[0]}): create it, then ${fix(environment)}`,
      );
      continue;
    }
    const policy = (
      JSON.parse(shown.stdout) as {
        deployment_branch_policy?: {
          protected_branches?: boolean;
          custom_branch_policies?: boolean;
        } | null;
      }
    ).deployment_branch_policy;
    if (policy === null || policy === undefined) {
      wrong.push(`environment ${environment}: every branch may deploy; ${fix(environment)}`);
      continue;
    }
    if (policy.protected_branches === true || policy.custom_branch_policies !== true) {
      wrong.push(
        `environment ${environment}: every protected branch may deploy, not main only; ${fix(environment)}`,
      );
      continue;
    }
    const listed = await env.exec("gh", [
      "api",
      `repos/${repository}/environments/${environment}/deployment-branch-policies`,
    ]);
    const rules =
      listed.code === 0
        ? ((JSON.parse(listed.stdout) as { branch_policies?: { name: string; type?: string }[] })
            .branch_policies ?? [])
        : undefined;
    const names = rules?.map((rule) => `${rule.type ?? "branch"}:${rule.name}`) ?? [];
    if (rules === undefined || names.length !== 1 || names[0] !== "branch:main") {
      wrong.push(
        `environment ${environment}: deployment rules are ${rules === undefined ? "unreadable" : JSON.stringify(names)}, expected ["branch:main"]; ${fix(environment)}`,
      );
    }
  }
  return wrong.length === 0
    ? { check, status: "ok", message: `${environments.join(", ")}: main only (${repository})` }
    : { check, status: "problem", message: wrong.join("; ") };
}
