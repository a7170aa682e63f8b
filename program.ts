import * as pulumi from "@pulumi/pulumi";
import { HighlyAvailableWebService } from "./components/webService";
import { InstanceGroupDescriptor } from "./components/cloudHome";
import { ServiceTopology } from "./components/topology";
import { loadSettings, toServiceArgs } from "./stacks/settings";

/** The stack outputs, as `pulumi stack output` shows them. */
export interface ProgramOutputs {
  readonly url: pulumi.Output<string>;
  readonly versionUrl: pulumi.Output<string>;
  readonly cloud: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly appVersion: string;
  /** The image reference the stack was deployed with (`image`), read back by previews. */
  readonly image?: string;
  readonly instanceGroup: pulumi.Output<InstanceGroupDescriptor>;
  /** What was built (components/topology.ts), for the diagram and cost tools; not a stack output. */
  readonly topology: ServiceTopology;
}

/**
 * Builds the whole program for the current stack. `index.ts` calls it under the Pulumi engine;
 * the offline plan and the tests call it under mocks, once per stack and cloud.
 */
export function buildProgram(): ProgramOutputs {
  const settings = loadSettings();
  const service = new HighlyAvailableWebService("web", toServiceArgs(settings));
  return {
    url: service.url,
    versionUrl: service.versionUrl,
    cloud: service.cloud,
    region: service.region,
    appVersion: settings.appVersion,
    image: settings.image,
    instanceGroup: service.instanceGroup,
    topology: service.topology,
  };
}
