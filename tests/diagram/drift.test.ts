/**
 * The committed diagrams under docs/diagrams match what the current plan draws. The Markdown page
 * is compared byte for byte; the SVG by the hash of the DOT source it carries, because Graphviz's
 * layout varies by version while the source does not. Where Graphviz is installed, the current
 * source is also laid out, to prove it is valid DOT.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { beautifulMermaid } from "./mermaidRenderer";
import { clouds } from "../../components/cloud";
import { toDot } from "../../tools/diagram/dot";
import { toMermaid } from "../../tools/diagram/mermaid";
import {
  diagramOf,
  documentedStack,
  documentPaths,
  markdownDocument,
  regenerateCommand,
  sourceHash,
} from "../../tools/diagram/render";
import { projectRoot } from "../../stacks/stackFile";
import { planStack } from "../helpers/plan";
import { landed } from "../policy/fixtures";

const hasDot = spawnSync("dot", ["-V"]).status === 0;
const stale = (file: string) =>
  `${relative(projectRoot, file)} no longer matches the plan; regenerate it with \`${regenerateCommand}\` and commit the result`;

for (const cloud of clouds) {
  describe(`committed diagram · ${cloud}`, () => {
    const paths = documentPaths(cloud);
    const load = () => planStack(documentedStack, cloud);

    before(async function () {
      if (!(await landed(cloud))) this.skip();
    });

    it(`${relative(projectRoot, paths.markdown)} is what the plan draws today`, async () => {
      assert.ok(existsSync(paths.markdown), stale(paths.markdown));
      const expected = await markdownDocument(await load());
      assert.equal(readFileSync(paths.markdown, "utf8"), expected, stale(paths.markdown));
    });

    it(`${relative(projectRoot, paths.svg)} was laid out from today's DOT source`, async () => {
      assert.ok(existsSync(paths.svg), stale(paths.svg));
      const committed = /<!-- source sha256:([0-9a-f]{64});/.exec(readFileSync(paths.svg, "utf8"));
      assert.ok(committed, `${paths.svg} carries no source hash; ${stale(paths.svg)}`);
      const dot = toDot(diagramOf(await load()));
      assert.equal(committed[1], sourceHash(dot), stale(paths.svg));
    });

    it("today's DOT source lays out with Graphviz", async function () {
      if (!hasDot) this.skip(); // .ci/run installs graphviz; a bare checkout may not have it
      const result = spawnSync("dot", ["-Tsvg"], {
        input: toDot(diagramOf(await load())),
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /<svg /);
    });

    it("the Mermaid source parses: an independent renderer draws every node and edge label", async () => {
      const diagram = diagramOf(await load());
      const svg = (await beautifulMermaid()).renderMermaidSVG(toMermaid(diagram));
      const escape = (s: string) =>
        s
          .replace(/&/g, "&amp;")
          .replace(/</g, "&lt;")
          .replace(/>/g, "&gt;")
          .replace(/"/g, "&quot;");
      const labels = [
        ...diagram.edges.flatMap((e) => (e.label ? [e.label] : [])),
        ...toMermaid(diagram)
          .split("\n")
          .flatMap((line) => /^\s+\w+[([{]+"([^"<]+)/.exec(line)?.[1] ?? []),
      ];
      for (const label of labels) {
        assert.ok(svg.includes(escape(label)), `the renderer lost "${label}"`);
      }
    });
  });
}
