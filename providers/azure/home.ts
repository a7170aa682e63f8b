/**
 * Everything about Azure (a zone-spread VM scale set behind a Standard Load Balancer) in one place: the deploy code (`index.ts`) and what
 * the tools know. Registered by one line in `providers/registry.ts`. Nothing imported here loads
 * the cloud SDK; the deploy code and the rollout model, which do, are loaded on demand.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
import { CloudHome, CloudModule } from "../../components/cloudHome";
import { azureCost } from "./cost";
import { azureDiagram } from "./diagram";
import { azureCredentials, azureTools } from "./doctor";
import { vmssGroup } from "./drill";
import { azureArrangement } from "./image";
import { azureMocks } from "./mocks";
import { azureRegions } from "./regions";
import { azureMode } from "./rehearsal";
import { azureTypes } from "./resourceTypes";

export const home: CloudHome = {
  cloud: "azure",
  title: "Azure",
  instanceGroupKind: "azure-vmss",
  loadDeploy: () => require("./index") as CloudModule,
  loadRolloutTime: () => ({
    estimate: (require("./rolloutTime") as typeof import("./rolloutTime")).azureRolloutTime,
    bootPhase: /\(an estimate\)$/,
  }),
  regions: azureRegions,
  rules: [],
  resourceTypes: azureTypes,
  mocks: azureMocks,
  diagram: azureDiagram,
  cost: azureCost,
  drill: vmssGroup,
  doctorCredentials: azureCredentials,
  doctorTools: azureTools,
  rehearsal: azureMode,
  imageArrangement: azureArrangement,
};
