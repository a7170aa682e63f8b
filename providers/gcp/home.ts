/**
 * Everything about GCP (a regional managed instance group behind a global external Application Load Balancer) in one place: the deploy code (`index.ts`) and what
 * the tools know. Registered by one line in `providers/registry.ts`. Nothing imported here loads
 * the cloud SDK; the deploy code and the rollout model, which do, are loaded on demand.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
import { CloudHome, CloudModule } from "../../components/cloudHome";
import { gcpCost } from "./cost";
import { gcpDiagram } from "./diagram";
import { gcpCredentials, gcpTools } from "./doctor";
import { migGroup } from "./drill";
import { gceArrangement } from "./image";
import { gcpMocks } from "./mocks";
import { gcpRegions } from "./regions";
import { gcpMode } from "./rehearsal";
import { gcpRules } from "./rules";
import { gcpTypes } from "./resourceTypes";

export const home: CloudHome = {
  cloud: "gcp",
  title: "GCP",
  instanceGroupKind: "gce-regional-mig",
  loadDeploy: () => require("./index") as CloudModule,
  loadRolloutTime: () => ({
    estimate: (require("./rolloutTime") as typeof import("./rolloutTime")).gcpRolloutTime,
    bootPhase: /: boot, pull and start/,
  }),
  regions: gcpRegions,
  rules: gcpRules,
  resourceTypes: gcpTypes,
  mocks: gcpMocks,
  diagram: gcpDiagram,
  cost: gcpCost,
  drill: migGroup,
  doctorCredentials: gcpCredentials,
  doctorTools: gcpTools,
  rehearsal: gcpMode,
  imageArrangement: gceArrangement,
};
