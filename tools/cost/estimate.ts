/**
 * A monthly on-demand estimate from a plan: each resource is priced by its cloud's rules
 * and prices (`providers/<cloud>/cost.ts`, reached through the registry), recorded as free,
 * or listed as not estimated with the reason. A resource type no rule knows is listed as not
 * estimated too, so a new resource can never slip into the total as zero.
 */
import { cloudHome } from "../../providers/registry";
import { Assumptions, CostLine, Ledger, Plan, Unpriced } from "./ledger";
import { priceBook } from "./prices";

export interface Estimate {
  readonly stack: string;
  readonly cloud: string;
  readonly region: string;
  readonly currency: string;
  readonly recordedOn: string;
  readonly lines: readonly CostLine[];
  readonly notEstimated: readonly Unpriced[];
  /** Resources that cost nothing by themselves (`type::name`), with why. */
  readonly free: readonly Unpriced[];
  readonly assumptions: readonly string[];
  readonly total: number;
}

export function estimateCost(plan: Plan, assumptions: Assumptions = {}): Estimate {
  const cost = cloudHome(plan.cloud, "cost").cost;
  const rules = cost.rules(assumptions);
  const ledger = new Ledger();
  for (const r of plan.resources) rules[r.type]?.(r, ledger, plan);
  ledger.finish(plan.resources);
  if (assumptions.logGbPerMonth !== undefined) {
    ledger.assumptions.push(`${assumptions.logGbPerMonth} GB of logs a month`);
  }
  ledger.assumptions.push(...cost.assumptions);
  return {
    stack: plan.stack,
    cloud: plan.cloud,
    region: cost.region,
    currency: priceBook.currency,
    recordedOn: priceBook.recordedOn,
    lines: ledger.lines,
    notEstimated: ledger.notEstimated,
    free: ledger.free,
    assumptions: ledger.assumptions,
    total: ledger.lines.reduce((sum, line) => sum + line.monthly, 0),
  };
}
