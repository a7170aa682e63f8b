/**
 * The neutral topology a plan's deploy returned (components/topology.ts), as the diagram and the
 * cost estimate read it: `buildProgram` hands it to the plan as the `topology` output.
 */
import { PlannedService } from "../../components/cloudHome";
import { ServiceTopology, TopologyListener } from "../../components/topology";

export function topologyOf(plan: PlannedService): ServiceTopology {
  const topology = plan.outputs?.topology as ServiceTopology | undefined;
  if (topology === undefined) {
    throw new Error(
      `${plan.cloud} plan of ${plan.stack}: no topology output; plan it with runPlan, which returns the program's outputs`,
    );
  }
  return topology;
}

/** `HTTP :80`, `HTTP :80 → redirect`, `HTTPS :443`. */
export function listenerText(listener: TopologyListener): string {
  const base = `${listener.protocol} :${listener.port}`;
  return listener.action === "redirect" ? `${base} → redirect` : base;
}
