import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { replacementRules, UpstreamSource } from "../../tools/engine/provider/replacements";
import { attributeConstants, downloadModule, sdkResourceAttributes } from "./upstream";

/**
 * Every entry of the recording providers' replacement table is checked against the upstream source
 * it cites: a Terraform attribute must say `ForceNew: true` in the resource's schema, an Azure
 * property must be a path parameter of the resource's ARM URL. And the Pulumi property must be an
 * input of the SDK's resource, so a misspelt property cannot silently never match.
 */
describe("engine: the replacement table matches upstream", function () {
  this.timeout(600_000);
  const dirs = new Map<string, string>();
  const moduleDir = (source: UpstreamSource): string => {
    const key = `${source.module}@${source.version}`;
    if (!dirs.has(key)) dirs.set(key, downloadModule(source.module, source.version));
    return dirs.get(key) as string;
  };

  for (const [type, rules] of Object.entries(replacementRules)) {
    it(`${type}: ${rules.replaceOn.map((r) => r.property).join(", ")}`, () => {
      const dir = moduleDir(rules.source);
      const text = fs.readFileSync(path.join(dir, rules.source.file), "utf8");
      if (rules.source.kind === "terraform-sdk") {
        const constants = fs.existsSync(path.join(dir, "names/attr_consts_gen.go"))
          ? attributeConstants(path.join(dir, "names/attr_consts_gen.go"))
          : new Map<string, string>();
        const attributes = sdkResourceAttributes(text, rules.source.symbol, constants);
        for (const rule of rules.replaceOn) {
          assert.equal(
            attributes.get(rule.upstream),
            true,
            `${rules.source.file} ${rules.source.symbol}: ${rule.upstream} is not ForceNew`,
          );
        }
      } else {
        const request = text.match(
          new RegExp(
            `func \\(client \\*${rules.source.symbol}\\) createOrUpdateCreateRequest[^]*?urlPath := "([^"]+)"`,
          ),
        );
        assert.ok(request, `${rules.source.file}: no createOrUpdateCreateRequest`);
        const parameters = [...request[1].matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const rule of rules.replaceOn) {
          assert.ok(parameters.includes(rule.upstream), `${rule.upstream} not in ${request[1]}`);
        }
      }
      for (const rule of rules.replaceOn) {
        assert.ok(sdkInputs(type).has(rule.property), `${type} has no input ${rule.property}`);
      }
    });
  }

  it("fails on an attribute upstream can update in place", () => {
    const dir = moduleDir(replacementRules["aws:lb/loadBalancer:LoadBalancer"].source);
    const attributes = sdkResourceAttributes(
      fs.readFileSync(path.join(dir, "internal/service/elbv2/load_balancer.go"), "utf8"),
      "resourceLoadBalancer",
      attributeConstants(path.join(dir, "names/attr_consts_gen.go")),
    );
    // Subnets and idle timeout change in place on an ALB: a table listing them would be wrong.
    assert.equal(attributes.get("subnets"), false);
    assert.equal(attributes.get("idle_timeout"), false);
  });
});

/** The input property names of a resource type, read from its Pulumi SDK's `<Name>Args`. */
function sdkInputs(type: string): Set<string> {
  const [pkg, module, name] = type.split(":");
  const [dir, file] = module.includes("/")
    ? module.split("/")
    : [module, name[0].toLowerCase() + name.slice(1)];
  const folder = path.join(__dirname, "../../node_modules/@pulumi", pkg, dir);
  // Module file names are camel-cased from the token (`uRLMap` is in `urlmap.d.ts`).
  const sdk = fs.readdirSync(folder).find((f) => f.toLowerCase() === `${file}.d.ts`.toLowerCase());
  const text = fs.readFileSync(path.join(folder, sdk ?? `${file}.d.ts`), "utf8");
  const args = text.slice(text.indexOf(`export interface ${name}Args {`));
  const body = args.slice(0, args.indexOf("\n}"));
  return new Set([...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]));
}
