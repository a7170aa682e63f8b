import assert from "node:assert/strict";
import { resolveServiceArgs } from "../../components/args";
import { validate } from "../../providers/azure";
import { knownRegions } from "../../stacks/regions";
import { planStack } from "../helpers/plan";
import { runComponents, testStackArgs } from "./helpers";

const httpsMessage =
  `domain: expected no domain on azure, which cannot serve HTTPS yet (a Standard Load Balancer ` +
  `forwards TCP and cannot terminate TLS); got "www.example.com". Unset domain to serve plain ` +
  `HTTP on the load balancer's address, or put Azure Front Door or Application Gateway in front ` +
  `of the service`;

describe("azure: validate", () => {
  it("accepts both stack files' args", () => {
    assert.deepEqual(validate(resolveServiceArgs(testStackArgs())), []);
    assert.deepEqual(validate(resolveServiceArgs(testStackArgs({ zones: ["1", "2", "3"] }))), []);
  });

  it("refuses a domain: it would otherwise be served over plain HTTP", () => {
    assert.deepEqual(validate(resolveServiceArgs(testStackArgs({ domain: "www.example.com" }))), [
      httpsMessage,
    ]);
  });

  it("refuses zones that are not Azure zone numbers", () => {
    assert.deepEqual(
      validate(resolveServiceArgs(testStackArgs({ zones: ["eastus-1", "eastus-2"] }))),
      [`zones: expected Azure zone numbers "1", "2", "3"; got ["eastus-1","eastus-2"]`],
    );
  });

  it("stops the component before it registers anything, itself included", async () => {
    const run = await runComponents([
      { name: "web", args: testStackArgs({ domain: "www.example.com" }) },
    ]);
    assert.equal(run.error?.message, `invalid HighlyAvailableWebService "web":\n  ${httpsMessage}`);
    assert.deepEqual(run.resources, []);
  });
});

describe("azure: bad stack configuration stops the plan with a clear message", () => {
  it("a domain", async () => {
    await assert.rejects(planStack("test", "azure", { domain: "www.example.com" }), {
      message: `invalid HighlyAvailableWebService "web":\n  ${httpsMessage}`,
    });
  });

  it("an unknown location", async () => {
    await assert.rejects(planStack("test", "azure", { "azure-native:location": "moon" }), {
      name: "ConfigError",
      message:
        `invalid stack configuration:\n  azure-native:location: expected a region this project ` +
        `knows (${knownRegions("azure").join(", ")}); add it to providers/azure/regions.ts; got "moon"`,
    });
  });

  it("a location without availability zones", async () => {
    await assert.rejects(planStack("test", "azure", { "azure-native:location": "westus" }), {
      name: "ConfigError",
      message:
        `invalid stack configuration:\n  azure-native:location: expected a region with ` +
        `availability zones; westus has none; got "westus"`,
    });
  });
});
