import assert from "node:assert/strict";
import {
  baseInstanceName,
  gcpName,
  templateNamePrefix,
  templateNamePrefixLimit,
} from "../../providers/gcp/names";

describe("gcp names", () => {
  it("are <name>-<suffix> for ordinary names", () => {
    assert.equal(gcpName("web", "vpc"), "web-vpc");
    assert.equal(templateNamePrefix("web"), "web-tpl-");
    assert.equal(baseInstanceName("web"), "web-vm");
  });

  it("auto-named children fit 63 characters with Pulumi's 8-character suffix", () => {
    // 55 + 8 = 63: kept as is; one more and it is shortened with a hash.
    const fits = "a".repeat(55 - "-backend".length);
    assert.equal(gcpName(fits, "backend"), `${fits}-backend`);
    const long = gcpName(`${fits}a`, "backend");
    assert.equal(long.length, 55);
    assert.match(long, /^a+-[0-9a-f]{6}-backend$/);
  });

  it("the template prefix stays within 37 characters, where the provider's suffix is unique", () => {
    const fits = "a".repeat(templateNamePrefixLimit - "-tpl-".length);
    assert.equal(templateNamePrefix(fits), `${fits}-tpl-`);
    assert.equal(templateNamePrefix(fits).length, 37);
    const long = templateNamePrefix(`${fits}a`);
    assert.equal(long.length, 37);
    assert.match(long, /^a+-[0-9a-f]{6}-tpl-$/);
  });

  it("instance base names leave room for the MIG's 5-character suffix within 63", () => {
    const fits = "a".repeat(58 - "-vm".length);
    assert.equal(baseInstanceName(fits), `${fits}-vm`);
    const long = baseInstanceName(`${fits}a`);
    assert.equal(long.length, 58);
    assert.match(long, /^a+-[0-9a-f]{6}-vm$/);
  });
});
