/**
 * How ECS runs the image on Fargate, read from the plan's task definition, for the image runner
 * (tests/image): what the real image is then run under on this machine.
 */
import { Arrangement, ArrangementError, Mount, only, Plan } from "../../tools/image/arrangements";
import { awsTypes as T } from "./resourceTypes";

/**
 * Container-definition keys the runner reproduces, or that do not change how the container runs
 * on one task (logging, port names, the image reference). Any other key is refused.
 */
const ecsKnownKeys = new Set([
  "name",
  "image",
  "essential",
  "portMappings",
  "environment",
  "user",
  "readonlyRootFilesystem",
  "mountPoints",
  "stopTimeout",
  "healthCheck",
  "linuxParameters",
  "logConfiguration",
]);

interface EcsContainer {
  readonly [key: string]: unknown;
  readonly portMappings?: readonly { containerPort: number }[];
  readonly environment?: readonly { name: string; value: string }[];
  readonly user?: string;
  readonly readonlyRootFilesystem?: boolean;
  readonly mountPoints?: readonly {
    sourceVolume: string;
    containerPath: string;
    readOnly?: boolean;
  }[];
  readonly stopTimeout?: number;
  readonly healthCheck?: { command: string[] };
  readonly linuxParameters?: Record<string, unknown>;
}

/**
 * Environment Fargate adds to every container (platform 1.4.0).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-fargate.html
 */
function fargateEnv(region: string): Record<string, string> {
  const metadata = "http://169.254.170.2/v4/standin-task-container";
  return {
    AWS_EXECUTION_ENV: "AWS_ECS_FARGATE",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ECS_CONTAINER_METADATA_URI: metadata.replace("/v4/", "/v3/"),
    ECS_CONTAINER_METADATA_URI_V4: metadata,
  };
}

export function ecsArrangement(plan: Plan): Arrangement {
  const source = "aws task definition";
  const task = only(plan, T.task, source);
  const raw = task.inputs.containerDefinitions;
  const containers = (typeof raw === "string" ? JSON.parse(raw) : raw) as EcsContainer[];
  if (!Array.isArray(containers) || containers.length !== 1) {
    throw new ArrangementError(source, "expected exactly one container definition");
  }
  const c = containers[0] as EcsContainer;
  for (const key of Object.keys(c)) {
    if (!ecsKnownKeys.has(key)) {
      throw new ArrangementError(
        source,
        `containerDefinitions[0].${key} is not reproduced by the image runner; teach providers/aws/image.ts what it does`,
      );
    }
  }
  const linux = c.linuxParameters ?? {};
  for (const key of Object.keys(linux)) {
    if (key !== "initProcessEnabled") {
      throw new ArrangementError(
        source,
        `linuxParameters.${key} is not reproduced by the image runner`,
      );
    }
  }
  if (
    task.inputs.requiresCompatibilities === undefined ||
    !(task.inputs.requiresCompatibilities as string[]).includes("FARGATE")
  ) {
    throw new ArrangementError(source, "only Fargate tasks are reproduced");
  }
  const volumes = (task.inputs.volumes ?? []) as { name: string; [key: string]: unknown }[];
  const mounts: Mount[] = (c.mountPoints ?? []).map((m) => {
    const volume = volumes.find((v) => v.name === m.sourceVolume);
    if (volume === undefined) {
      throw new ArrangementError(source, `mountPoints: no volume named ${m.sourceVolume}`);
    }
    const extra = Object.keys(volume).filter((k) => k !== "name");
    if (extra.length > 0) {
      // efsVolumeConfiguration, host, dockerVolumeConfiguration...: not a Fargate bind mount.
      throw new ArrangementError(
        source,
        `volume ${volume.name}: ${extra.join(", ")} is not reproduced`,
      );
    }
    return { kind: "fargate-bind", path: m.containerPath, readOnly: m.readOnly === true };
  });
  const port = c.portMappings?.[0]?.containerPort;
  if (port === undefined) throw new ArrangementError(source, "no portMappings[0].containerPort");
  const provider = plan.resources.find((r) => r.type === T.provider);
  const region = String(provider?.inputs.region ?? "us-east-1");
  return {
    cloud: "aws",
    source,
    user: c.user,
    readOnlyRoot: c.readonlyRootFilesystem === true,
    env: {
      ...fargateEnv(region),
      ...Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value])),
    },
    mounts,
    // ECS's default when stopTimeout is unset on Fargate is 30 s.
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    stopTimeoutSeconds: c.stopTimeout ?? 30,
    noNewPrivileges: false,
    capDrop: [],
    init: linux.initProcessEnabled === true,
    port,
    healthCheck: c.healthCheck?.command,
  };
}
