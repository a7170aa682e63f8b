import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import { clouds } from "../../components/cloud";
import { parseFlags } from "../lib/args";
import { CommandIo, printHelp, runMain } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { writeLine } from "../lib/output";
import { plan, planFlags, planOptionsFrom } from "../plan/flags";
import { PlanResult } from "../plan/run";
import { Diagram } from "./model";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { diagramOf, documentedStack, documentPaths, markdownDocument, svgDocument } from "./render";

const usage = `Usage: npm run diagram -- --stack <test|prod> [--cloud aws|gcp|azure] [-c key=value ...] [--out file ...]
       npm run diagram -- --docs

Draws the architecture the stack's offline plan describes, as a Mermaid flowchart.

  --out file   write instead of printing; the extension picks the format:
               .md (page with a mermaid block), .mmd (Mermaid), .dot (Graphviz), .svg (needs dot)
  --docs       regenerate docs/diagrams/<cloud>-${documentedStack}.md and .svg for every cloud

Exit codes: 0 written, 2 invalid arguments or configuration, 3 the plan failed under the mocks.`;

/** What `--out` writes, by the file's extension. */
const formats: Record<
  string,
  (plan: PlanResult, diagram: Diagram, file: string) => string | Promise<string>
> = {
  ".md": markdownDocument,
  ".mmd": (_plan, diagram) => toMermaid(diagram),
  ".dot": (_plan, diagram) => toDot(diagram),
  ".svg": (_plan, diagram) => svgDocument(diagram),
};

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const values = parseFlags(argv, {
    ...planFlags,
    out: { type: "string", multiple: true, default: [] },
    docs: { type: "boolean", default: false },
  });
  if (values.help) return printHelp(io, usage);
  const planOptions = planOptionsFrom(values);
  const outputs = values.out ?? [];
  const unknown = outputs.filter((file) => !Object.hasOwn(formats, extname(file)));
  if (unknown.length > 0) {
    throw new UsageError(
      `--out: expected a .md, .mmd, .dot or .svg file; got ${unknown.join(", ")}`,
    );
  }
  const write = (file: string, text: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    writeLine(io.stderr, `wrote ${file}`);
  };
  if (values.docs) {
    for (const cloud of clouds) {
      const result = await plan({ stack: documentedStack, cloud });
      const diagram = diagramOf(result);
      const paths = documentPaths(cloud);
      write(paths.markdown, await markdownDocument(result, diagram));
      write(paths.svg, svgDocument(diagram));
    }
    return 0;
  }
  const result = await plan(planOptions);
  const diagram = diagramOf(result);
  if (outputs.length === 0) {
    io.stdout.write(toMermaid(diagram));
    return 0;
  }
  for (const file of outputs) {
    write(file, await formats[extname(file)](result, diagram, file));
  }
  return 0;
}

if (require.main === module) runMain("diagram", main);
