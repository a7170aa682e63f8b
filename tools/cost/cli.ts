import { writeFileSync } from "node:fs";
import { clouds } from "../../components/cloud";
import { parseFlags } from "../lib/args";
import { CommandIo, printHelp, runMain } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { writeLine } from "../lib/output";
import { plan, planFlags, planOptionsFrom } from "../plan/flags";
import { estimateCost } from "./estimate";
import { costDocument, formatText, markdownDocument, markdownSection, summaryText } from "./report";

const usage = `Usage: npm run cost -- [--stack <test|prod>] [--cloud aws|gcp|azure] [-c key=value ...] [--log-gb N] [--json | --markdown]
       npm run cost -- --all
       npm run cost -- --docs

Estimates the monthly on-demand cost of one stack's offline plan from the cloud's price table
(providers/<cloud>/cost.ts); usage-based charges are listed as not estimated. Without flags: the test
stack on the cloud its stack file names.

  --stack <name>  the stack file to plan (default: test)
  --cloud <name>  plan it on this cloud instead of the stack file's
  --log-gb N      assume N GB of logs a month and price their ingestion
  --all           one line per stack on every cloud: test and prod on aws, gcp and azure
  --docs          write docs/cost.md with the test and prod estimates of every cloud

Exit codes: 0 estimated, 2 invalid arguments or configuration, 3 the plan failed under the mocks.`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const values = parseFlags(argv, {
    ...planFlags,
    "log-gb": { type: "string" },
    json: { type: "boolean", default: false },
    markdown: { type: "boolean", default: false },
    docs: { type: "boolean", default: false },
    all: { type: "boolean", default: false },
  });
  if (values.help) return printHelp(io, usage);
  const planOptions = planOptionsFrom(values);
  const logGb = values["log-gb"] === undefined ? undefined : Number(values["log-gb"]);
  if (logGb !== undefined && !(Number.isFinite(logGb) && logGb >= 0)) {
    throw new UsageError(
      `--log-gb: expected a number of GB, 0 or more; got ${JSON.stringify(values["log-gb"])}`,
    );
  }
  if (values.docs || values.all) {
    const estimates = [];
    for (const cloud of clouds) {
      for (const stack of ["test", "prod"])
        estimates.push(estimateCost(await plan({ stack, cloud })));
    }
    if (values.all) {
      io.stdout.write(summaryText(estimates));
      return 0;
    }
    writeFileSync(costDocument, await markdownDocument(estimates));
    writeLine(io.stderr, `wrote ${costDocument}`);
    return 0;
  }
  const estimate = estimateCost(await plan(planOptions), { logGbPerMonth: logGb });
  io.stdout.write(
    values.json
      ? `${JSON.stringify(estimate, null, 2)}\n`
      : values.markdown
        ? markdownSection(estimate)
        : formatText(estimate),
  );
  return 0;
}

if (require.main === module) runMain("cost", main);
