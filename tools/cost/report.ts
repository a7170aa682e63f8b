/** An estimate as text for the terminal, as Markdown for docs/cost.md, or as JSON. */
import { join } from "node:path";
import { projectRoot } from "../../stacks/stackFile";
import { prettierMarkdown } from "../diagram/render";
import { Estimate } from "./estimate";
import { allCloudHomes } from "../../providers/registry";
import { priceBook } from "./prices";

export const money = (value: number) => `$${value.toFixed(2)}`;
/** Unit prices keep their precision (Fargate is $0.004445 a GB-hour). */
const price = (value: number) => `$${String(value)}`;
const quantity = (value: number) => String(Number(value.toFixed(4)));
/** `aws:ecs/service:Service::web-service` → `Service web-service`: the table stays readable. */
export const shortResource = (label: string) => {
  const [type, names] = label.split("::");
  return `${type.split(":").pop() ?? type} ${names ?? ""}`.trim();
};

export function formatText(e: Estimate): string {
  const width = Math.max(...e.lines.map((l) => money(l.monthly).length), 8);
  const lines = [
    `${e.cloud} · ${e.stack} · ${e.region}: ${money(e.total)} a month (${e.currency}, on-demand list prices recorded ${e.recordedOn})`,
    "",
    ...e.lines.map(
      (l) =>
        `${money(l.monthly).padStart(width)}  ${l.item}  (${quantity(l.quantity)} ${l.unit} × ${price(l.unitPrice)})  ${shortResource(l.resource)}`,
    ),
    `${"".padStart(width, "-")}`,
    `${money(e.total).padStart(width)}  total`,
  ];
  if (e.notEstimated.length > 0) {
    lines.push(
      "",
      "not estimated:",
      ...e.notEstimated.map((u) => `  ${shortResource(u.resource)}: ${u.reason}`),
    );
  }
  if (e.assumptions.length > 0) {
    lines.push("", "assumed:", ...e.assumptions.map((a) => `  ${a}`));
  }
  return `${lines.join("\n")}\n`;
}

/** One line per estimate: cloud, stack, region, monthly total and what was not estimated. */
export function summaryText(estimates: readonly Estimate[]): string {
  const width = Math.max(...estimates.map((e) => money(e.total).length));
  const lines = estimates.map(
    (e) =>
      `${e.cloud.padEnd(5)}  ${e.stack.padEnd(4)}  ${e.region.padEnd(11)}  ${money(e.total).padStart(width)} a month  (${e.notEstimated.length} usage-based items not estimated)`,
  );
  return `${lines.join("\n")}\n`;
}

/** Markdown table cells must not contain pipes. */
const cell = (text: string) => text.replace(/\|/g, "\\|");

export function markdownSection(e: Estimate): string {
  return [
    `## ${e.cloud}, ${e.stack} stack (${e.region}): ${money(e.total)} a month`,
    "",
    "| Resource | Item | Quantity | Unit price | Monthly |",
    "| --- | --- | --- | --- | --- |",
    ...e.lines.map(
      (l) =>
        `| ${cell(shortResource(l.resource))} | ${cell(l.item)} | ${quantity(l.quantity)} ${l.unit} | ${price(l.unitPrice)} | ${money(l.monthly)} |`,
    ),
    `| **Total** | | | | **${money(e.total)}** |`,
    "",
    ...(e.notEstimated.length > 0
      ? [
          "Not estimated (usage-based, or no price recorded):",
          "",
          ...e.notEstimated.map((u) => `- ${shortResource(u.resource)}: ${u.reason}`),
          "",
        ]
      : []),
    ...(e.assumptions.length > 0 ? [`Assumed: ${e.assumptions.join("; ")}.`, ""] : []),
  ].join("\n");
}

export const costDocument = join(projectRoot, "docs", "cost.md");
export const costCommand = "npm run cost -- --docs";

/** docs/cost.md: a summary of every estimate, then each in detail, then the price sources. */
export async function markdownDocument(estimates: readonly Estimate[]): Promise<string> {
  const text = [
    "# Monthly cost estimates",
    "",
    `<!-- Generated from the offline plans by \`${costCommand}\`; do not edit. A test regenerates it and fails when it no longer matches. -->`,
    "",
    `On-demand list prices in ${priceBook.currency} for ${priceBook.hoursPerMonth} hours a month, from each cloud's price table (\`providers/<cloud>/cost.ts\`; published list prices, recorded ${priceBook.recordedOn} without network access; check the pages named below before relying on a figure).`,
    "Usage-based charges (data processed, log volume, storage) are listed as not estimated rather than counted as zero.",
    "",
    "| Cloud | Stack | Region | Monthly estimate | Items not estimated |",
    "| --- | --- | --- | --- | --- |",
    ...estimates.map(
      (e) =>
        `| ${e.cloud} | ${e.stack} | ${e.region} | ${money(e.total)} | ${e.notEstimated.length} |`,
    ),
    "",
    ...estimates.map(markdownSection),
    "## Price sources",
    "",
    ...allCloudHomes().map(
      ({ cloud, cost }) => `- ${cloud} (${cost.region}): ${cost.sources.join("; ")}`,
    ),
    "",
  ].join("\n");
  return prettierMarkdown(text, costDocument);
}
