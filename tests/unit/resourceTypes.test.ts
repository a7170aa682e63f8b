/**
 * The homes' type tokens (providers/<cloud>/resourceTypes.ts) are what the cost rules, the plan's
 * mocks, the diagram and the policy pack look resources up by, so a misspelt one silently matches
 * nothing: a resource unpriced, a mock never answering, a policy never applied. Each token must be
 * one the installed SDK declares: a class's `__pulumiType` (or one of its aliases), an invoke's
 * token, or, for `pulumi:providers:<pkg>`, the provider class's. Read from the SDKs' files, not
 * loaded, so the check takes no SDK's load time.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { awsInvokes, awsTypes } from "../../providers/aws/resourceTypes";
import { azureInvokes, azureTypes } from "../../providers/azure/resourceTypes";
import { gcpTypes } from "../../providers/gcp/resourceTypes";

/**
 * Modules whose types the SDK declares only as aliases in other modules' classes: azure-native v3
 * publishes insights' types from monitor and applicationinsights (their `aliases` list them).
 */
const aliasModules: Readonly<Record<string, readonly string[]>> = {
  "azure-native:insights": ["monitor", "applicationinsights"],
};

const sources = new Map<string, string>();
function sourcesOf(dir: string): string {
  let text = sources.get(dir);
  if (text === undefined) {
    text = readdirSync(dir)
      .filter((file) => file.endsWith(".js"))
      .map((file) => readFileSync(join(dir, file), "utf8"))
      .join("\n");
    sources.set(dir, text);
  }
  return text;
}

/** Whether the installed SDK declares `token`. */
function declared(token: string): boolean {
  const provider = /^pulumi:providers:(.+)$/.exec(token);
  const pkg = provider?.[1] ?? token.split(":")[0];
  const root = dirname(require.resolve(`@pulumi/${pkg}/package.json`));
  if (provider !== null) {
    return readFileSync(join(root, "provider.js"), "utf8").includes(`__pulumiType = '${pkg}'`);
  }
  const module = token.split(":")[1].split("/")[0];
  const dirs =
    module === "index"
      ? [root]
      : [module, ...(aliasModules[`${pkg}:${module}`] ?? [])].map((dir) => join(root, dir));
  return dirs.some((dir) => {
    try {
      const text = sourcesOf(dir);
      return text.includes(`'${token}'`) || text.includes(`"${token}"`);
    } catch {
      return false;
    }
  });
}

const tables = { awsTypes, awsInvokes, gcpTypes, azureTypes, azureInvokes };

describe("the homes' resource type tokens", () => {
  for (const [table, roles] of Object.entries(tables)) {
    it(`${table}: every token is one the installed SDK declares`, () => {
      const tokens = Object.values(roles as Record<string, string | readonly string[]>).flat();
      assert.deepEqual(
        tokens.filter((token) => !declared(token)),
        [],
      );
    });
  }

  it("a misspelt token is refused (the check can fail)", () => {
    assert.equal(declared("gcp:compute/urlMap:URLMap"), false);
    assert.equal(declared("aws:lb/loadbalancer:LoadBalancer"), false);
    assert.equal(declared("azure-native:insights:ScaleSet"), false);
    assert.equal(declared("aws:index/getCallerId:getCallerId"), false);
    assert.equal(declared("gcp:logging/bucketConfig:BucketConfig"), false);
    assert.equal(declared("gcp:compute/uRLMap:URLMap"), true);
  });
});
