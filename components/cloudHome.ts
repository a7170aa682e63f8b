/**
 * What one cloud provides, beside the component contract (`args.ts`): the deploy code the
 * component calls, and everything the tools know about the cloud. Each cloud's home is one folder,
 * `providers/<cloud>/`, whose `home.ts` exports a `CloudHome`; `providers/registry.ts` lists them,
 * one line per cloud. Nothing outside a home branches on the cloud.
 *
 * The tools' parts are imported as types only: this file loads nothing at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedServiceArgs } from "./args";
import type { Cloud } from "./cloud";
import type { RolloutTime } from "./rolloutTime";
import type { ServiceTopology } from "./topology";
import type { ServiceRule } from "./validation";

export type { ServiceTopology };
import type { CostMapping } from "../tools/cost/ledger";
import type { Diagram } from "../tools/diagram/model";
import type { DoctorEnv, Finding, CloudTool } from "../tools/doctor/finding";
import type { CloudGroup, Exec } from "../tools/drill/clouds";
import type { Arrangement, Plan as ImagePlan } from "../tools/image/arrangements";
import type { CloudMocks } from "../tools/plan/mocks/types";
import type { PlanResult } from "../tools/plan/run";
import type { CloudMode } from "../tools/rehearsal/cloudModes";

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
  /** What was built, in cloud-neutral words (`topology.ts`); the diagram and cost read it. */
  readonly topology: ServiceTopology;
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

/** The deploy code, `providers/<cloud>/index.ts`: it loads the cloud's Pulumi SDK. */
export interface CloudModule {
  /** Cloud-specific checks on the resolved args; one message per problem, as `validateServiceArgs`. */
  readonly validate: (args: ResolvedServiceArgs) => string[];
  readonly deploy: CloudImplementation;
}

/** The plan's expected rollout time for one cloud (`providers/<cloud>/rolloutTime.ts`). */
export interface RolloutTimeModel {
  readonly estimate: (args: ResolvedServiceArgs, instances?: number) => RolloutTime;
  /**
   * The phases that estimate an instance's boot: the one input of each model that is not a
   * setting. The rehearsal's check (tests/rehearsal/rolloutTime.test.ts) replaces them with the
   * boot it measures, since its instances are processes, not VMs.
   */
  readonly bootPhase: RegExp;
}

/**
 * Where one cloud runs (`providers/<cloud>/regions.ts`): the regions this project knows, with the
 * zones a new account can use there. Kept static so that a preview is deterministic and a bad zone
 * count fails before anything is registered; add a row to deploy somewhere else.
 */
export interface CloudRegions {
  /** The region key the cloud's provider reads, as users set it with `pulumi config set`. */
  readonly configKey: string;
  readonly defaultRegion: string;
  /** Zones by region; `[]` for a region without availability zones, so the error can say so. */
  readonly zones: Readonly<Record<string, readonly string[]>>;
}

/** The plan as the diagram and cost builders read it. */
export type PlannedService = Pick<PlanResult, "stack" | "cloud" | "resources"> &
  Partial<Pick<PlanResult, "outputs">>;

/** Everything about one cloud. The SDK-loading parts are functions, called only when needed. */
export interface CloudHome {
  readonly cloud: Cloud;
  /** The cloud's name in headings (`docs/change-impact.md`). */
  readonly title: string;
  /** The drills' descriptor kind of this cloud's instance group. */
  readonly instanceGroupKind: InstanceGroupDescriptor["kind"];
  /** The deploy code. Loads the cloud's SDK (seconds), so only the chosen cloud's is loaded. */
  readonly loadDeploy: () => CloudModule;
  /** The expected rollout time; it reads the deploy code's constants, so it loads the SDK too. */
  readonly loadRolloutTime: () => RolloutTimeModel;
  /** Its regions and their zones, which the settings read. */
  readonly regions: CloudRegions;
  /**
   * The cloud's rules that need no SDK, in the form of the component's (`serviceRules`): checked
   * on the stack keys by the settings and on the args by the component. The limits its deploy
   * code sets are `loadDeploy().validate`.
   */
  readonly rules: readonly ServiceRule[];
  /** The Pulumi type tokens of what the deploy registers, by role (diagram, cost, policy). */
  readonly resourceTypes: Readonly<Record<string, string | readonly string[]>>;
  /** What the cloud's provider computes, for the offline plan (`tools/plan/recorder.ts`). */
  readonly mocks: CloudMocks;
  /** The architecture picture of a plan (`tools/diagram`). */
  readonly diagram: (plan: PlannedService) => Diagram;
  /** Prices per resource type (`tools/cost`). */
  readonly cost: CostMapping;
  /** The drills' view of the instance group, through the cloud's CLI (`tools/drill`). */
  readonly drill: (group: InstanceGroupDescriptor, exec: Exec) => CloudGroup;
  /** The doctor's check that the cloud's credentials are usable (`tools/doctor`). */
  readonly doctorCredentials: (env: DoctorEnv) => Promise<Finding>;
  /** The CLIs the drills and runbooks run on this cloud, which the doctor checks. */
  readonly doctorTools: readonly CloudTool[];
  /** How the rehearsal's nginx imitates the cloud's load balancer (`tools/rehearsal`). */
  readonly rehearsal: CloudMode;
  /** How the cloud runs the image, read from a plan, for the image runner (`tests/image`). */
  readonly imageArrangement: (plan: ImagePlan) => Arrangement;
}
