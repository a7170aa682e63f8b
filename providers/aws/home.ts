/**
 * Everything about AWS (ECS on Fargate behind an Application Load Balancer) in one place: the deploy code (`index.ts`) and what
 * the tools know. Registered by one line in `providers/registry.ts`. Nothing imported here loads
 * the cloud SDK; the deploy code and the rollout model, which do, are loaded on demand.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
import { CloudHome, CloudModule } from "../../components/cloudHome";
import { awsCost } from "./cost";
import { awsDiagram } from "./diagram";
import { awsCredentials, awsTools } from "./doctor";
import { ecsGroup } from "./drill";
import { ecsArrangement } from "./image";
import { awsMocks } from "./mocks";
import { awsRegions } from "./regions";
import { awsMode } from "./rehearsal";
import { awsTypes } from "./resourceTypes";

export const home: CloudHome = {
  cloud: "aws",
  title: "AWS",
  instanceGroupKind: "ecs-service",
  loadDeploy: () => require("./index") as CloudModule,
  loadRolloutTime: () => ({
    estimate: (require("./rolloutTime") as typeof import("./rolloutTime")).awsRolloutTime,
    bootPhase: /start on Fargate/,
  }),
  regions: awsRegions,
  rules: [],
  resourceTypes: awsTypes,
  mocks: awsMocks,
  diagram: awsDiagram,
  cost: awsCost,
  drill: ecsGroup,
  doctorCredentials: awsCredentials,
  doctorTools: awsTools,
  rehearsal: awsMode,
  imageArrangement: ecsArrangement,
};
