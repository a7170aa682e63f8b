import * as pulumi from "@pulumi/pulumi";
import { PipelineBootstrap } from "./component";
import { SharedImageRegistry } from "./registry";
import { loadBootstrapSettings } from "./settings";

/** The bootstrap stack's outputs, as `pulumi stack output` shows them. */
export interface BootstrapProgramOutputs {
  readonly cloud: string;
  readonly backendUrl: pulumi.Output<string>;
  readonly secretsProvider: pulumi.Output<string>;
  readonly githubVariables: pulumi.Output<Record<string, string>>;
  /** Per GitHub environment: the variables to set on that environment (its deploy identity). */
  readonly githubEnvironmentVariables: pulumi.Output<Record<string, Record<string, string>>>;
  /** Keys to set in every main stack, such as `awsPermissionsBoundary`. */
  readonly stackConfig: pulumi.Output<Record<string, string>>;
  /** The shared image repository: set it as the repository variable IMAGE_REPOSITORY. */
  readonly imageRepository: pulumi.Output<string>;
  /**
   * Azure: the gallery image version the instances boot, which Image Builder builds after
   * `pulumi up` returns (docs/runbooks/first-deploy.md waits for it). Empty on AWS and GCP.
   */
  readonly hostImage: pulumi.Output<string>;
}

/**
 * Builds the bootstrap program for the current stack. `index.ts` calls it under the Pulumi
 * engine; the tests call it under mocks, once per cloud.
 */
export function buildBootstrap(): BootstrapProgramOutputs {
  const settings = loadBootstrapSettings();
  const bootstrap = new PipelineBootstrap("pipeline", settings);
  const images = new SharedImageRegistry("images", {
    ...settings,
    registryPrincipals: bootstrap.registryPrincipals,
  });
  return {
    cloud: settings.cloud,
    backendUrl: bootstrap.backendUrl,
    secretsProvider: bootstrap.secretsProvider,
    githubVariables: bootstrap.githubVariables,
    githubEnvironmentVariables: bootstrap.githubEnvironmentVariables,
    stackConfig: bootstrap.stackConfig,
    imageRepository: images.repository,
    hostImage: images.hostImage,
  };
}
