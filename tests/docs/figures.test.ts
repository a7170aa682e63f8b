import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readmePath, renderedReadme } from "../../bench/readme";

describe("README figures", () => {
  it("are what bench/readme.ts renders from the latest bench and drill reports", () => {
    const readme = readFileSync(readmePath, "utf8");
    assert.equal(
      readme,
      renderedReadme(readme),
      "README.md's figures differ from docs/reports/: run npm run bench:readme and commit",
    );
  });

  it("fail when a figure is typed over", () => {
    const readme = renderedReadme();
    const typed = readme.replace(/\| \d[\d,]* ms +\|/, (cell) => cell.replace(/\d/, "9"));
    assert.notEqual(typed, readme, "the baseline figure is in the table");
    assert.notEqual(renderedReadme(typed), typed);
  });
});
