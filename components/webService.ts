import * as pulumi from "@pulumi/pulumi";
import { HighlyAvailableWebServiceArgs, resolveServiceArgs } from "./args";
import { Cloud } from "./cloud";
import { validateServiceArgs } from "./validation";
import { cloudHome } from "../providers/registry";
import { InstanceGroupDescriptor } from "./cloudHome";
import { ServiceTopology } from "./topology";

/**
 * An internet-facing web service spread over zones, self-healing, autoscaled and rolled out with
 * zero downtime, on the cloud named in `args.cloud`. The class only validates, picks the cloud and
 * publishes outputs; each cloud lives in `providers/<cloud>`, chosen through `providers/registry.ts`.
 */
export class HighlyAvailableWebService extends pulumi.ComponentResource {
  public static readonly token = "haweb:index:HighlyAvailableWebService";

  /** Public base URL of the service. */
  public readonly url: pulumi.Output<string>;
  /** `${url}/version.txt`, what the version checker reads. */
  public readonly versionUrl: pulumi.Output<string>;
  public readonly cloud: pulumi.Output<Cloud>;
  public readonly region: pulumi.Output<string>;
  /** Identifies the instance group so drills can find and remove an instance. */
  public readonly instanceGroup: pulumi.Output<InstanceGroupDescriptor>;
  /** What was built, in cloud-neutral words; the diagram and the cost estimate read it. */
  public readonly topology: ServiceTopology;

  constructor(
    name: string,
    args: HighlyAvailableWebServiceArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    // Validated before super() so that bad args register nothing at all, not even this component.
    const resolved = resolveServiceArgs(args);
    const problems = validateServiceArgs(resolved);
    const cloud = problems.length === 0 ? cloudHome(resolved.cloud).loadDeploy() : undefined;
    problems.push(...(cloud?.validate(resolved) ?? []));
    if (problems.length > 0 || cloud === undefined) {
      throw new Error(`invalid HighlyAvailableWebService "${name}":\n  ${problems.join("\n  ")}`);
    }
    super(HighlyAvailableWebService.token, name, {}, opts);

    const endpoints = cloud.deploy(name, resolved, this);

    this.url = endpoints.url;
    this.versionUrl = endpoints.url.apply((url) => `${url}/version.txt`);
    this.cloud = pulumi.output(resolved.cloud);
    this.region = pulumi.output(resolved.region);
    this.instanceGroup = endpoints.instanceGroup;
    this.topology = endpoints.topology;
    this.registerOutputs({
      url: this.url,
      versionUrl: this.versionUrl,
      cloud: this.cloud,
      region: this.region,
      instanceGroup: this.instanceGroup,
      topology: this.topology,
    });
  }
}
