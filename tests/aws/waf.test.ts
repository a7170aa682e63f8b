/**
 * The ALB's web ACL: one per-client rate rule, keyed on the address WAF sees (never a header a
 * client can set), blocking above the limit, and associated with this stack's ALB.
 */
import assert from "node:assert/strict";
import { perClientRateRule } from "../../providers/aws/waf";
import { one, planStack } from "../helpers/plan";

for (const stack of ["test", "prod"]) {
  describe(`AWS WAF · ${stack} stack`, () => {
    const load = () => planStack(stack, "aws");

    it("blocks a client address above 1,200 requests a minute, and allows everything else", async () => {
      const acl = one(await load(), "aws:wafv2/webAcl:WebAcl").inputs;
      assert.equal(acl.scope, "REGIONAL");
      assert.deepEqual(acl.defaultAction, { allow: {} });
      const rules = acl.rules as Record<string, unknown>[];
      assert.equal(rules.length, 1);
      assert.deepEqual(rules[0].action, { block: {} });
      assert.deepEqual(rules[0].statement, {
        rateBasedStatement: { aggregateKeyType: "IP", limit: 1200, evaluationWindowSec: 60 },
      });
      assert.deepEqual(perClientRateRule, { limit: 1200, windowSeconds: 60 });
      // FORWARDED_IP would trust X-Forwarded-For, which the client writes.
      assert.doesNotMatch(JSON.stringify(acl), /FORWARDED_IP|forwardedIpConfig/);
    });

    it("is associated with this stack's ALB", async () => {
      const plan = await load();
      const association = one(plan, "aws:wafv2/webAclAssociation:WebAclAssociation").inputs;
      const alb = one(plan, "aws:lb/loadBalancer:LoadBalancer");
      const acl = one(plan, "aws:wafv2/webAcl:WebAcl");
      assert.match(String(association.resourceArn), new RegExp(alb.name));
      assert.match(String(association.webAclArn), new RegExp(acl.name));
    });
  });
}
