import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../components/cloud";
import { BootstrapSettings } from "./settings";
import { BootstrapImplementation } from "./types";

/**
 * Everything the delivery pipeline needs in one cloud account before the first `pulumi up`: the
 * state backend, a key for stack secrets, and keyless GitHub identities. Run
 * once per account by an admin; see bootstrap/README.md.
 */
export class PipelineBootstrap extends pulumi.ComponentResource {
  public static readonly token = "haweb:bootstrap:PipelineBootstrap";

  public readonly backendUrl: pulumi.Output<string>;
  public readonly secretsProvider: pulumi.Output<string>;
  public readonly githubVariables: pulumi.Output<Record<string, string>>;
  public readonly githubEnvironmentVariables: pulumi.Output<Record<string, Record<string, string>>>;
  public readonly stackConfig: pulumi.Output<Record<string, string>>;
  /** See `BootstrapOutputs.registryPrincipals`; handed to the shared registry, not exported. */
  public readonly registryPrincipals: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(
    name: string,
    settings: BootstrapSettings,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(PipelineBootstrap.token, name, {}, opts);
    const outputs = implementationFor(settings.cloud)(name, settings, this);
    this.backendUrl = outputs.backendUrl;
    this.secretsProvider = outputs.secretsProvider;
    this.githubVariables = outputs.githubVariables;
    this.githubEnvironmentVariables = outputs.githubEnvironmentVariables;
    this.stackConfig = outputs.stackConfig;
    this.registryPrincipals = outputs.registryPrincipals ?? {};
    this.registerOutputs({
      backendUrl: this.backendUrl,
      secretsProvider: this.secretsProvider,
      githubVariables: this.githubVariables,
      githubEnvironmentVariables: this.githubEnvironmentVariables,
      stackConfig: this.stackConfig,
    });
  }
}

/** The one place a cloud is chosen; each SDK is loaded only when its cloud is selected. */
function implementationFor(cloud: Cloud): BootstrapImplementation {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
  switch (cloud) {
    case "aws":
      return (require("./aws") as typeof import("./aws")).deployAws;
    case "gcp":
      return (require("./gcp") as typeof import("./gcp")).deployGcp;
    case "azure":
      return (require("./azure") as typeof import("./azure")).deployAzure;
    default: {
      const unknown: never = cloud;
      throw new Error(`cloud: expected one of aws, gcp, azure; got ${JSON.stringify(unknown)}`);
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
