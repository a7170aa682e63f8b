/**
 * The cloud-neutral half of the cost estimate: what a cloud's price rules record into, and the
 * shape of that mapping. Each cloud's rules live in its home (`providers/<cloud>/cost.ts`).
 */
import { PlannedResource } from "../plan/recorder";
import { PlannedService } from "../../components/cloudHome";

export interface CostLine {
  /** `type::name` of the resource the cost comes from. */
  readonly resource: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
}

export interface Unpriced {
  readonly resource: string;
  readonly reason: string;
}

/** Usage the plan cannot know; each one given adds a line and an assumption to the estimate. */
export interface Assumptions {
  /** Log volume the service writes per month, in GB. */
  readonly logGbPerMonth?: number;
}

export type Plan = PlannedService;

/** What a cloud's estimator records into. */
export class Ledger {
  readonly lines: CostLine[] = [];
  readonly notEstimated: Unpriced[] = [];
  readonly free: Unpriced[] = [];
  readonly assumptions: string[] = [];
  private readonly seen = new Set<PlannedResource>();

  line(r: PlannedResource, item: string, quantity: number, unit: string, unitPrice: number): void {
    this.seen.add(r);
    this.lines.push({
      resource: label(r),
      item,
      quantity,
      unit,
      unitPrice,
      monthly: quantity * unitPrice,
    });
  }
  /**
   * One line for many resources of a type priced alike (five alarms are one line of five), named
   * by the type and the resources' names.
   */
  each(r: PlannedResource, item: string, unit: string, unitPrice: number): void {
    this.seen.add(r);
    const index = this.lines.findIndex(
      (l) => l.resource.startsWith(`${r.type}::`) && l.item === item && l.unitPrice === unitPrice,
    );
    if (index < 0) {
      this.line(r, item, 1, unit, unitPrice);
      return;
    }
    const previous = this.lines[index];
    const quantity = previous.quantity + 1;
    this.lines[index] = {
      ...previous,
      resource: `${previous.resource}, ${r.name}`,
      quantity,
      monthly: quantity * unitPrice,
    };
  }
  unpriced(r: PlannedResource, reason: string): void {
    this.seen.add(r);
    this.notEstimated.push({ resource: label(r), reason });
  }
  noCharge(r: PlannedResource, reason: string): void {
    this.seen.add(r);
    this.free.push({ resource: label(r), reason });
  }
  /** Anything no rule touched is not estimated: no price is recorded for its type. */
  finish(resources: readonly PlannedResource[]): void {
    for (const r of resources) {
      if (this.seen.has(r) || !r.custom || r.type.startsWith("pulumi:providers:")) continue;
      this.notEstimated.push({ resource: label(r), reason: `no price recorded for ${r.type}` });
    }
  }
}

const label = (r: PlannedResource) => `${r.type}::${r.name}`;

export type Rule = (r: PlannedResource, ledger: Ledger, plan: Plan) => void;

/** Types that cost nothing by themselves, per cloud, with the reason shown in the report. */
export function freeTypes(types: Record<string, string>): Record<string, Rule> {
  return Object.fromEntries(
    Object.entries(types).map(([type, reason]) => [
      type,
      (r, ledger) => ledger.noCharge(r, reason),
    ]),
  );
}

export const usage =
  (reason: string): Rule =>
  (r, ledger) =>
    ledger.unpriced(r, reason);

/** One cloud's cost mapping, a field of its home (`providers/<cloud>/home.ts`). */
export interface CostMapping {
  /** The region the cloud's list prices were recorded for. */
  readonly region: string;
  /** The price pages the cloud's figures come from, for the report. */
  readonly sources: readonly string[];
  /** A rule per resource type; a type with no rule is listed as not estimated. */
  readonly rules: (assumptions: Assumptions) => Readonly<Record<string, Rule>>;
  /** Assumptions every estimate on this cloud rests on, shown under the total. */
  readonly assumptions: readonly string[];
}
