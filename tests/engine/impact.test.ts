import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  configChanges,
  fingerprint,
  impactDoc,
  previewChanges,
  renderImpact,
} from "../../tools/engine/impact";
import { eager } from "./deployments";

/**
 * Scenario 4: docs/change-impact.md is what `npm run engine:impact` makes from the code as it is.
 * Regenerating it takes every change on every cloud (minutes), so the test checks the page's
 * fingerprint of its inputs (program, stack files, engine tooling, provider versions), and
 * re-runs the rollout row on GCP (the cloud with the most moving parts) to check the page says what the engine says now.
 */
describe("engine: docs/change-impact.md is current", function () {
  this.timeout(900_000);
  // Started with the tier, beside the clouds' deployments (deployments.ts).
  const rows = eager(() => previewChanges("gcp", undefined, configChanges.slice(0, 1)));

  it("was generated from the current program, stack files and engine tooling", () => {
    assert.ok(fs.existsSync(impactDoc), "docs/change-impact.md is missing: npm run engine:impact");
    const page = fs.readFileSync(impactDoc, "utf8");
    const recorded = page.match(/<!-- fingerprint: (\w+) -->/)?.[1];
    assert.equal(recorded, fingerprint(), "docs/change-impact.md is stale: npm run engine:impact");
    for (const change of configChanges) assert.ok(page.includes(`| ${change.label} |`));
  });

  it("says for a rollout on GCP what the engine previews now", async () => {
    const page = fs.readFileSync(impactDoc, "utf8");
    const row = renderImpact(await rows, "")
      .split("\n")
      .find((line) => line.startsWith(`| ${configChanges[0].label} |`));
    const gcp = page.slice(page.indexOf("## GCP"), page.indexOf("## Azure"));
    assert.ok(row && gcp.includes(row), `docs/change-impact.md does not say:\n${row}`);
  });
});
