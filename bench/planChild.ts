// One measured plan, run in its own process by bench/plan.ts so that module loading is counted.
import { parseArgs } from "node:util";
import { Cloud } from "../components/cloud";
import { runPlan } from "../tools/plan/run";

const sdks = ["@pulumi/aws", "@pulumi/awsx", "@pulumi/gcp", "@pulumi/azure-native"];

async function main() {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, cloud: { type: "string" } },
  });
  const result = await runPlan({ stack: values.stack ?? "test", cloud: values.cloud as Cloud });
  const loaded = sdks.filter((sdk) =>
    Object.keys(require.cache).some((path) => path.includes(`/node_modules/${sdk}/`)),
  );
  process.stdout.write(
    JSON.stringify({
      resources: result.resources.length,
      maxRssKb: process.resourceUsage().maxRSS,
      loadedSdks: loaded,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
