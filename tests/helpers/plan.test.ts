import assert from "node:assert/strict";
import { deepFreeze, planStack } from "./plan";

describe("planStack's cache", () => {
  it("returns the same frozen plan for the same arguments", async () => {
    const first = await planStack("test", "aws");
    assert.equal(await planStack("test", "aws"), first);
    assert.ok(Object.isFrozen(first.resources));
    assert.ok(Object.isFrozen(first.resources[0].inputs));
  });

  it("a test that mutates a cached plan fails", async () => {
    const plan = await planStack("test", "aws");
    assert.throws(() => {
      (plan.resources as unknown[]).push({});
    }, TypeError);
    assert.throws(() => {
      (plan.resources[0] as { name: string }).name = "changed";
    }, TypeError);
  });

  it("deepFreeze freezes nested plain objects and arrays, and leaves class instances alone", () => {
    const map = new Map<string, number>();
    const value = deepFreeze({ a: [{ b: 1 }], map });
    assert.ok(Object.isFrozen(value.a[0]));
    map.set("still", 1);
    assert.equal(map.get("still"), 1);
  });
});
