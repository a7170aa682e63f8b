import * as pulumi from "@pulumi/pulumi";
import { BootstrapSettings } from "./settings";

/** What the bootstrap hands to the main project and to GitHub, the same shape on every cloud. */
export interface BootstrapOutputs {
  /** What to pass to `pulumi login`: s3://..., gs://... or azblob://... */
  readonly backendUrl: pulumi.Output<string>;
  /** What to pass to `pulumi stack init --secrets-provider`: awskms://, gcpkms://, azurekeyvault:// */
  readonly secretsProvider: pulumi.Output<string>;
  /**
   * GitHub Actions variables the workflows read (`vars.NAME`). None of them is a secret: they name
   * identities and places, and only a workflow of this repository can use the identities.
   */
  readonly githubVariables: pulumi.Output<Record<string, string>>;
  /**
   * Variables set on each GitHub environment (Settings → Environments → <name> → Variables): the
   * deploy identity of that environment. A job that declares `environment: prod` reads the prod
   * value under the same name, because environment variables take precedence over repository
   * ones (https://docs.github.com/en/actions/reference/workflows-and-actions/variables#configuration-variable-precedence),
   * so the workflows need no per-environment names.
   */
  readonly githubEnvironmentVariables: pulumi.Output<Record<string, Record<string, string>>>;
  /** Keys to set in every main stack (`pulumi config set <key> <value>`), if the cloud has any. */
  readonly stackConfig: pulumi.Output<Record<string, string>>;
  /**
   * Per environment, the principal (object) id of its deploy identity, where the shared registry
   * has to grant it rights of its own because the deploy role does not reach the registry (Azure:
   * the role is scoped to the environment's resource group; bootstrap/registry.ts).
   */
  readonly registryPrincipals?: Readonly<Record<string, pulumi.Output<string>>>;
}

/** Collects one set of variables per environment into `githubEnvironmentVariables`' shape. */
export function environmentVariables(
  environments: readonly string[],
  variablesOf: (environment: string) => pulumi.Output<Record<string, string>>,
): pulumi.Output<Record<string, Record<string, string>>> {
  return pulumi
    .all(environments.map((environment) => variablesOf(environment)))
    .apply((sets) => Object.fromEntries(environments.map((e, index) => [e, sets[index]])));
}

/** One cloud's bootstrap: registers every child under `parent`, named from `name`. */
export type BootstrapImplementation = (
  name: string,
  settings: BootstrapSettings,
  parent: pulumi.ComponentResource,
) => BootstrapOutputs;

/**
 * A short tag for a trusted subject, for child names and credential names: the subject itself
 * cannot be used, it has `:` and `/` in it.
 */
export function subjectTag(subject: string): string {
  const kind = subject.split(":").slice(2).join(":");
  if (kind === "pull_request") return "pull-request";
  if (kind.startsWith("ref:refs/heads/")) return `branch-${kind.slice("ref:refs/heads/".length)}`;
  if (kind.startsWith("environment:")) return `env-${kind.slice("environment:".length)}`;
  throw new Error(
    `subject: expected a pull_request, branch or environment subject; got ${subject}`,
  );
}
