import assert from "node:assert/strict";
import { autoNameSuffixLength, awsLoadBalancerNameLimit, childName } from "../../components/naming";

describe("childName", () => {
  it("is <name>-<suffix> when there is no limit or it fits", () => {
    assert.equal(childName("web", "vpc"), "web-vpc");
    assert.equal(childName("web", "alb", 32), "web-alb");
  });

  it("keeps names at exactly the budget unchanged", () => {
    // 24 characters + Pulumi's 8-character random suffix = 32.
    const name = "a".repeat(24 - "-tg".length);
    assert.equal(childName(name, "tg", 32), `${name}-tg`);
    assert.equal(`${name}-tg`.length + autoNameSuffixLength, awsLoadBalancerNameLimit);
  });

  it("shortens one character over the budget with a hash, within the limit", () => {
    const name = "a".repeat(24 - "-tg".length + 1);
    const short = childName(name, "tg", 32);
    assert.equal(short.length + autoNameSuffixLength <= 32, true, short);
    assert.match(short, /^a+-[0-9a-f]{6}-tg$/);
  });

  it("keeps two long names that share a prefix distinct", () => {
    const a = childName("checkout-service-production-blue", "alb", 32);
    const b = childName("checkout-service-production-green", "alb", 32);
    assert.notEqual(a, b);
    assert.equal(a.length, 24);
    assert.equal(b.length, 24);
  });

  it("never leaves a trailing hyphen before the hash", () => {
    assert.doesNotMatch(childName("abcdefgh-ijklmnop-qrstuvwx", "alb", 32), /--/);
  });

  it("refuses a suffix that leaves no room", () => {
    assert.throws(
      () => childName("web", "x".repeat(30), 32),
      /childName: suffix "x{30}" leaves no room for the name within 32 characters/,
    );
  });
});
