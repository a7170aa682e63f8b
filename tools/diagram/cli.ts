import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import { parseArgs } from "node:util";
import { clouds } from "../../components/cloud";
import { ConfigError } from "../../stacks/settings";
import { PlanError, PlanOptions, runPlan } from "../plan/run";
import { planFlags, planOptionsFrom } from "../plan/flags";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import {
  diagramOf,
  documentedStack,
  documentPaths,
  markdownDocument,
  regenerateCommand,
  svgDocument,
} from "./render";

const usage = `Usage: npm run diagram -- --stack <test|prod> [--cloud aws|gcp|azure] [-c key=value ...] [--out file ...]
       npm run diagram -- --docs

Draws the architecture the stack's offline plan describes, as a Mermaid flowchart.

  --out file   write instead of printing; the extension picks the format:
               .md (page with a mermaid block), .mmd (Mermaid), .dot (Graphviz), .svg (needs dot)
  --docs       regenerate docs/diagrams/<cloud>-${documentedStack}.md and .svg for every cloud

Exit codes: 0 written, 2 invalid arguments or configuration, 3 the plan failed under the mocks.`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...planFlags,
        out: { type: "string", multiple: true, default: [] },
        docs: { type: "boolean", default: false },
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
  const outputs = values.out ?? [];
  const formats: Record<string, true> = { ".md": true, ".mmd": true, ".dot": true, ".svg": true };
  const unknown = outputs.filter((file) => !formats[extname(file)]);
  if (unknown.length > 0) {
    process.stderr.write(
      `--out: expected a .md, .mmd, .dot or .svg file; got ${unknown.join(", ")}\n`,
    );
    return 2;
  }

  try {
    if (values.docs) {
      for (const cloud of clouds) {
        const plan = await runPlan({ stack: documentedStack, cloud });
        const diagram = diagramOf(plan);
        const paths = documentPaths(cloud);
        write(paths.markdown, await markdownDocument(plan, diagram));
        write(paths.svg, svgDocument(diagram));
      }
      return 0;
    }
    const plan = await runPlan(planOptions);
    const diagram = diagramOf(plan);
    if (outputs.length === 0) {
      process.stdout.write(toMermaid(diagram));
      return 0;
    }
    for (const file of outputs) {
      const extension = extname(file);
      write(
        file,
        extension === ".md"
          ? await markdownDocument(plan, diagram, file)
          : extension === ".svg"
            ? svgDocument(diagram)
            : extension === ".dot"
              ? toDot(diagram)
              : toMermaid(diagram),
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof PlanError) {
      process.stderr.write(`diagram: ${error.message}\n`);
      return 3;
    }
    const message =
      error instanceof ConfigError ? error.message : String((error as Error).message ?? error);
    process.stderr.write(`diagram: ${message}\n`);
    return 2;
  }
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stderr.write(`wrote ${file}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`diagram: ${String(error)}\n(${regenerateCommand})\n`);
      process.exit(1);
    },
  );
}
