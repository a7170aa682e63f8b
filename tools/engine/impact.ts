/**
 * `npm run engine:impact`: what each configuration change a user makes does to a deployed `test`
 * stack, per cloud, as the real engine previews it (`pulumi preview --diff --json` against the
 * recording providers), written to docs/change-impact.md. The page carries a fingerprint of every
 * input it was made from; tests/engine/impact.test.ts fails when the fingerprint is stale.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cloudHome, clouds } from "../../providers/registry";
import { changedSteps, isReplacement, mustNotReplace, PlannedStep } from "./steps";
import { EngineWorkspace, repoRoot } from "./workspace";
import { runMain } from "../lib/cli";
import { writeLine } from "../lib/output";

export interface ConfigChange {
  /** What the user changes, as the table's first column shows it. */
  readonly label: string;
  /** `pulumi config set` arguments, applied in order. */
  readonly set: ReadonlyArray<readonly string[]>;
}

/** The changes, from the `test` stack's values (Pulumi.test.yaml). */
export const configChanges: readonly ConfigChange[] = [
  { label: "`appVersion` 1.0.0 → 1.0.1", set: [["appVersion", "1.0.1"]] },
  {
    label: "`image` set to a digest",
    set: [["image", `registry.example.com/web@sha256:${"a".repeat(64)}`]],
  },
  { label: "`zoneCount` 2 → 3", set: [["zoneCount", "3"]] },
  { label: "`instanceSize` small → medium", set: [["instanceSize", "medium"]] },
  {
    label: "`minInstances` 2 → 3 (with `desiredInstances` 3)",
    set: [
      ["desiredInstances", "3"],
      ["minInstances", "3"],
    ],
  },
  { label: "`maxInstances` 4 → 8", set: [["maxInstances", "8"]] },
  {
    label: "`domain` set (AWS: with `awsHostedZone`)",
    set: [
      ["domain", "www.example.com"],
      ["awsHostedZone", "example.com"],
    ],
  },
  { label: "`tags` gains `team`", set: [["--path", "tags.team", "web"]] },
  { label: "`drainingTimeoutSeconds` 30 → 60", set: [["drainingTimeoutSeconds", "60"]] },
  { label: "`rollingMaxSurgePercent` 100 → 50", set: [["rollingMaxSurgePercent", "50"]] },
  {
    label: "`rollingMaxUnavailablePercent` 0 → 25",
    set: [["rollingMaxUnavailablePercent", "25"]],
  },
  { label: "`rollingMinReadySeconds` 10 → 30", set: [["rollingMinReadySeconds", "30"]] },
];

export interface ImpactRow {
  readonly change: string;
  readonly cloud: string;
  /** Set when the CLI or the program refused the change: its message. */
  readonly refused?: string;
  readonly updated: string[];
  readonly replaced: string[];
  readonly created: string[];
  readonly deleted: string[];
  readonly risk: string;
}

/** `aws:lb/targetGroup:TargetGroup` → `lb.TargetGroup`, as the SDKs name it. */
export function shortType(type: string): string {
  const [, module, name] = type.split(":");
  return `${module.split("/")[0]}.${name}`;
}

/**
 * The downtime risk of a preview, from what it replaces: the entry point or what routes to the
 * instances replaced means a new address or a window without a route; the instance group replaced
 * means every instance at once; anything else rolls or touches no instance.
 */
export function downtimeRisk(steps: readonly PlannedStep[]): string {
  const replaced = steps.filter((s) => isReplacement(s.op));
  const frontDoor = replaced.filter((s) => mustNotReplace.has(s.type));
  if (frontDoor.length > 0) {
    return `high: replaces ${[...new Set(frontDoor.map((s) => shortType(s.type)))].join(", ")}`;
  }
  if (steps.length === 0) return "none: nothing changes";
  return "none expected: no entry point or instance group is replaced";
}

export function summarize(change: string, cloud: string, steps: readonly PlannedStep[]): ImpactRow {
  const names = (filter: (s: PlannedStep) => boolean) =>
    [...new Set(steps.filter(filter).map((s) => `${shortType(s.type)} ${s.name}`))].sort();
  return {
    change,
    cloud,
    updated: names((s) => s.op === "update"),
    replaced: names((s) => isReplacement(s.op)),
    created: names((s) => s.op === "create"),
    deleted: names((s) => s.op === "delete"),
    risk: downtimeRisk(steps),
  };
}

/** Deploys `test` on one cloud and previews every change against it. */
export async function previewChanges(
  cloud: string,
  log: (line: string) => void = () => undefined,
  changes: readonly ConfigChange[] = configChanges,
): Promise<ImpactRow[]> {
  const ws = new EngineWorkspace();
  try {
    await ws.ok(["stack", "init", "test"]);
    await ws.ok(["config", "set", "cloud", cloud]);
    await ws.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 600_000 });
    const stackFile = path.join(ws.project, "Pulumi.test.yaml");
    const deployed = fs.readFileSync(stackFile, "utf8");
    const rows: ImpactRow[] = [];
    for (const change of changes) {
      log(`${cloud}: ${change.label}`);
      for (const args of change.set) await ws.ok(["config", "set", ...args]);
      const preview = await ws.pulumi(["preview", "--diff", "--json"], { timeoutMs: 600_000 });
      fs.writeFileSync(stackFile, deployed);
      if (preview.code !== 0) {
        rows.push({
          ...summarize(change.label, cloud, []),
          refused: refusal(preview.stdout + preview.stderr),
          risk: "n/a",
        });
      } else {
        rows.push(summarize(change.label, cloud, changedSteps(preview.stdout)));
      }
    }
    return rows;
  } finally {
    ws.remove();
  }
}

/**
 * Why the change was refused, in the program's own words: the validation line that names the stack
 * key ("<key> (<component arg>): expected …; got …", the convention of components/validation.ts and
 * stacks/settings.ts), else the first error line. The output is JSON (`--json`), so its newlines
 * arrive escaped; the engine's temporary workspace path is dropped so the table is reproducible.
 */
export function refusal(output: string): string {
  const lines = output
    .replace(/\\n/g, "\n")
    .replace(/\\"/g, '"')
    .split("\n")
    .map((line) => line.trim().replace(/^"message":\s*"/, ""));
  const problem = lines.find((line) => /^[a-zA-Z][\w.]*( \([^)]*\))?: expected /.test(line));
  const error = lines.find((line) => /error: /.test(line));
  return (problem ?? error?.replace(/^.*?error:\s*/, "") ?? "refused")
    .replace(/'?\/tmp\/ha-engine-[\w.-]+\/project\/index\.ts'?/g, "the program")
    .replace(/["\s]+$/, "")
    .slice(0, 600);
}

/** Files whose change can change the table: the program, its stack files, the engine tooling. */
export function fingerprint(root = repoRoot): string {
  const files = ["components", "providers", "stacks", "tools/engine", "tools/plan"]
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
        .map((file) => path.join(dir, file)),
    )
    .filter((file) => /\.(ts|sh|yaml|json)$/.test(file))
    .concat("index.ts", "program.ts", "Pulumi.yaml", "Pulumi.test.yaml");
  const hash = createHash("sha256");
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  for (const [name, pkg] of Object.entries(lock.packages)) {
    if (name.startsWith("node_modules/@pulumi/")) hash.update(`${name}@${pkg.version}\n`);
  }
  for (const file of files.sort()) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

// Comma-separated: the docs lint refuses inline HTML such as <br>.
const cell = (items: readonly string[]) => (items.length ? items.join(", ") : "—");

export function renderImpact(rows: readonly ImpactRow[], print: string): string {
  const out = [
    "# Change impact",
    "",
    "<!-- Generated by `npm run engine:impact` (tools/engine/impact.ts); do not edit by hand. -->",
    `<!-- fingerprint: ${print} -->`,
    "",
    "What each configuration change does to a deployed `test` stack, as the real Pulumi engine",
    "previews it (`pulumi preview --diff --json`) against the recording providers of",
    "[engine.md](engine.md). A replacement follows the upstream providers' replace-on-change",
    "rules. Downtime risk is high when the change replaces the entry point, what routes to the",
    "instances, or the instance group itself.",
  ];
  for (const cloud of clouds) {
    out.push("", `## ${cloudHome(cloud).title}`, "");
    out.push("| Change | Updated | Replaced | Created | Deleted | Downtime risk |");
    out.push("| --- | --- | --- | --- | --- | --- |");
    for (const row of rows.filter((r) => r.cloud === cloud)) {
      if (row.refused) {
        out.push(
          `| ${row.change} | refused: ${row.refused.replace(/\|/g, "\\|")} | — | — | — | n/a |`,
        );
      } else {
        out.push(
          `| ${row.change} | ${cell(row.updated)} | ${cell(row.replaced)} | ${cell(row.created)} | ${cell(row.deleted)} | ${row.risk} |`,
        );
      }
    }
  }
  return `${out.join("\n")}\n`;
}

export const impactDoc = path.join(repoRoot, "docs", "change-impact.md");

if (require.main === module) {
  runMain("engine:impact", async (_argv, io) => {
    const rows: ImpactRow[] = [];
    for (const cloud of clouds) {
      rows.push(...(await previewChanges(cloud, (line) => writeLine(io.stdout, line))));
    }
    fs.writeFileSync(impactDoc, renderImpact(rows, fingerprint()));
    writeLine(io.stdout, `wrote ${path.relative(io.cwd, impactDoc)}`);
    return 0;
  });
}
