import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../components/args";

/**
 * What a drill needs to find and remove an instance on each cloud. The `kind` says which API to
 * call; the other fields are that API's identifiers.
 */
export type InstanceGroupDescriptor =
  | {
      readonly kind: "ecs-service";
      readonly region: string;
      readonly cluster: string;
      readonly service: string;
    }
  | {
      readonly kind: "gce-regional-mig";
      readonly project: string;
      readonly region: string;
      readonly group: string;
      /** The global backend service in front of the group, whose health the drills read. */
      readonly backendService: string;
    }
  | {
      readonly kind: "azure-vmss";
      readonly subscriptionId: string;
      readonly resourceGroup: string;
      readonly scaleSet: string;
    };

/** What every cloud implementation returns to the component. */
export interface ServiceEndpoints {
  /** Public base URL (`https://domain` when a domain is set, else the load balancer's address). */
  readonly url: pulumi.Output<string>;
  readonly instanceGroup: pulumi.Output<InstanceGroupDescriptor>;
}

/**
 * One cloud implementation: registers every child under `parent`, named from `name`.
 * Config is never read here; everything comes from `args`.
 */
export type CloudImplementation = (
  name: string,
  args: ResolvedServiceArgs,
  parent: pulumi.ComponentResource,
) => ServiceEndpoints;

/** What each `providers/<cloud>/index.ts` exports. */
export interface CloudModule {
  /** Cloud-specific checks on the resolved args; one message per problem, as `validateServiceArgs`. */
  readonly validate: (args: ResolvedServiceArgs) => string[];
  readonly deploy: CloudImplementation;
}
