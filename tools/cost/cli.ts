import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { clouds } from "../../components/cloud";
import { ConfigError } from "../../stacks/settings";
import { PlanError, PlanOptions, runPlan } from "../plan/run";
import { planFlags, planOptionsFrom } from "../plan/flags";
import { estimateCost } from "./estimate";
import { costDocument, formatText, markdownDocument, markdownSection, summaryText } from "./report";

const usage = `Usage: npm run cost -- [--stack <test|prod>] [--cloud aws|gcp|azure] [-c key=value ...] [--log-gb N] [--json | --markdown]
       npm run cost -- --all
       npm run cost -- --docs

Estimates the monthly on-demand cost of one stack's offline plan from the price table in
tools/cost/prices.ts; usage-based charges are listed as not estimated. Without flags: the test
stack on the cloud its stack file names.

  --stack <name>  the stack file to plan (default: test)
  --cloud <name>  plan it on this cloud instead of the stack file's
  --log-gb N      assume N GB of logs a month and price their ingestion
  --all           one line per stack on every cloud: test and prod on aws, gcp and azure
  --docs          write docs/cost.md with the test and prod estimates of every cloud

Exit codes: 0 estimated, 2 invalid arguments or configuration, 3 the plan failed under the mocks.`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...planFlags,
        "log-gb": { type: "string" },
        json: { type: "boolean", default: false },
        markdown: { type: "boolean", default: false },
        docs: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let planOptions: PlanOptions;
  try {
    planOptions = planOptionsFrom(values);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const logGb = values["log-gb"] === undefined ? undefined : Number(values["log-gb"]);
  if (logGb !== undefined && !(Number.isFinite(logGb) && logGb >= 0)) {
    process.stderr.write(
      `--log-gb: expected a number of GB, 0 or more; got ${JSON.stringify(values["log-gb"])}\n`,
    );
    return 2;
  }

  try {
    if (values.docs || values.all) {
      const estimates = [];
      for (const cloud of clouds) {
        for (const stack of ["test", "prod"]) {
          estimates.push(estimateCost(await runPlan({ stack, cloud })));
        }
      }
      if (values.all) {
        process.stdout.write(summaryText(estimates));
        return 0;
      }
      writeFileSync(costDocument, await markdownDocument(estimates));
      process.stderr.write(`wrote ${costDocument}\n`);
      return 0;
    }
    const plan = await runPlan(planOptions);
    const estimate = estimateCost(plan, { logGbPerMonth: logGb });
    process.stdout.write(
      values.json
        ? `${JSON.stringify(estimate, null, 2)}\n`
        : values.markdown
          ? markdownSection(estimate)
          : formatText(estimate),
    );
    return 0;
  } catch (error) {
    if (error instanceof PlanError) {
      process.stderr.write(`cost: ${error.message}\n`);
      return 3;
    }
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    process.stderr.write(`cost: ${message}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`cost: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
