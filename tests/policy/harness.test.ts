/**
 * The offline evaluation calls policies the way the engine's analyzer does: URNs, parents,
 * providers, configuration defaults, enforcement overrides and not-applicable results.
 */
import assert from "node:assert/strict";
import { ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { evaluatePolicies, formatViolations } from "../../tools/verify/policy";
import { resource } from "./fixtures";

const component = resource("haweb:index:HighlyAvailableWebService", "web", {}, { custom: false });
const provider = resource(
  "pulumi:providers:aws",
  "web-aws",
  { region: "us-east-1" },
  { parent: "haweb:index:HighlyAvailableWebService::web" },
);
const group = resource(
  "aws:ec2/securityGroup:SecurityGroup",
  "web-sg",
  { vpcId: "vpc" },
  {
    parent: "haweb:index:HighlyAvailableWebService::web",
    provider: "pulumi:providers:aws::web-aws",
  },
);
const rule = resource(
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "web-in",
  { securityGroupId: "web-sg-id" },
  { parent: "haweb:index:HighlyAvailableWebService::web" },
);
const plan = { stack: "prod", resources: [component, provider, group, rule] };

describe("offline policy evaluation", () => {
  it("passes the engine's URN, parent URN and provider to resource policies", async () => {
    const seen: ResourceValidationArgs[] = [];
    await evaluatePolicies(plan, {
      policies: [
        {
          name: "record",
          description: "records its arguments",
          validateResource: (args) => void seen.push(args),
        },
      ],
    });
    const args = seen.find((a) => a.name === "web-sg");
    assert.ok(args);
    assert.equal(
      args.urn,
      "urn:pulumi:prod::ha-web-service::haweb:index:HighlyAvailableWebService$aws:ec2/securityGroup:SecurityGroup::web-sg",
    );
    assert.equal(
      args.opts.parent,
      "urn:pulumi:prod::ha-web-service::haweb:index:HighlyAvailableWebService::web",
    );
    assert.deepEqual(args.provider, {
      type: "pulumi:providers:aws",
      name: "web-aws",
      props: { region: "us-east-1" },
      urn: "urn:pulumi:prod::ha-web-service::haweb:index:HighlyAvailableWebService$pulumi:providers:aws::web-aws",
    });
    assert.deepEqual(args.props, { vpcId: "vpc" });
    assert.equal(seen.length, 4, "every resource, components and providers included");
  });

  it("links stack resources to their parents and to what their inputs refer to", async () => {
    let stackArgs: StackValidationArgs | undefined;
    await evaluatePolicies(plan, {
      policies: [
        {
          name: "record",
          description: "records its arguments",
          validateStack: (args) => void (stackArgs = args),
        },
      ],
    });
    const byName = new Map(stackArgs?.resources.map((r) => [r.name, r]));
    const inRule = byName.get("web-in");
    assert.equal(inRule?.parent, byName.get("web"));
    assert.deepEqual(inRule?.propertyDependencies, { securityGroupId: [byName.get("web-sg")] });
    assert.deepEqual(inRule?.dependencies, [byName.get("web-sg")]);
  });

  it("applies configuration defaults, overrides and enforcement levels like the engine", async () => {
    const policy = {
      name: "configured",
      description: "reports its configuration",
      enforcementLevel: "mandatory" as const,
      configSchema: { properties: { limit: { type: "integer" as const, default: 3 } } },
      validateResource: (args: ResourceValidationArgs, report: (m: string) => void) => {
        if (args.name === "web-sg") report(`limit ${args.getConfig<{ limit: number }>().limit}`);
      },
    };
    const defaults = await evaluatePolicies(plan, { policies: [policy] });
    assert.deepEqual(defaults.violations, [
      {
        policy: "configured",
        enforcementLevel: "mandatory",
        resource: "aws:ec2/securityGroup:SecurityGroup::web-sg",
        message: "limit 3",
      },
    ]);
    assert.equal(defaults.mandatoryCount, 1);

    const advisory = await evaluatePolicies(plan, {
      policies: [policy],
      config: { configured: { enforcementLevel: "advisory", limit: 5 } },
    });
    assert.deepEqual(
      advisory.violations.map((v) => [v.enforcementLevel, v.message]),
      [["advisory", "limit 5"]],
    );
    assert.equal(advisory.mandatoryCount, 0);

    const disabled = await evaluatePolicies(plan, {
      policies: [policy],
      config: { configured: { enforcementLevel: "disabled" } },
    });
    assert.deepEqual(disabled.violations, []);
  });

  it("treats notApplicable as no finding and lets other errors fail the run", async () => {
    const skipped = await evaluatePolicies(plan, {
      policies: [
        {
          name: "skips",
          description: "never applies",
          validateResource: (args) => args.notApplicable("not here"),
        },
      ],
    });
    assert.deepEqual(skipped.violations, []);
    await assert.rejects(
      evaluatePolicies(plan, {
        policies: [
          {
            name: "throws",
            description: "is broken",
            validateResource: () => {
              throw new Error("bug in policy");
            },
          },
        ],
      }),
      /bug in policy/,
    );
  });

  it("attributes a stack finding to the resource whose URN it names", async () => {
    const result = await evaluatePolicies(plan, {
      policies: [
        {
          name: "stack",
          description: "names a resource",
          enforcementLevel: "advisory",
          validateStack: (args, report) => {
            report("whole stack");
            report("this rule", args.resources.find((r) => r.name === "web-in")?.urn);
          },
        },
      ],
    });
    assert.equal(
      formatViolations(result),
      [
        "advisory   stack  (stack)",
        "  whole stack",
        "advisory   stack  aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::web-in",
        "  this rule",
        "policy: 1 policies on 4 resources: 0 mandatory, 2 advisory violation(s)",
        "",
      ].join("\n"),
    );
  });
});
