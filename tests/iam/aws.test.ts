/**
 * AWS IAM decided by a simulator of AWS's evaluation logic (@cloud-copilot/iam-simulate, AGPL,
 * dev-only), not read by eye: what the execution role must be able to do, what it must not, that
 * the task role can do nothing, and who may assume either role. Each table runs on both stacks,
 * and on a plan broken on purpose to show the table notices.
 */
import assert from "node:assert/strict";
import { mockAccount } from "../../tools/plan/mocks/types";
import {
  AwsRequest,
  AwsRole,
  awsRolesOf,
  decideAssumeRole,
  decideAws,
  Decision,
  validateAwsDocuments,
} from "./awsIam";
import { copyPlan, planStack, PlanResult } from "../helpers/plan";

const account = mockAccount.awsAccountId;
const region = "us-east-1";
const repo = `arn:aws:ecr:${region}:${account}:repository/ha-web-service/web`;
const logGroup = `arn:aws:logs:${region}:${account}:log-group:web-logs`;
const stream = (group: string) => `${group}:log-stream:web/web/0123456789abcdef`;

/** What the ECS agent needs to start a task: pull this image, write this log group. */
const mustAllow: Array<[string, AwsRequest]> = [
  ["log in to ECR", { action: "ecr:GetAuthorizationToken", resource: "*" }],
  ["pull from this repository: manifest", { action: "ecr:BatchGetImage", resource: repo }],
  ["pull from this repository: layers", { action: "ecr:GetDownloadUrlForLayer", resource: repo }],
  [
    "check layers in this repository",
    { action: "ecr:BatchCheckLayerAvailability", resource: repo },
  ],
  [
    "create a stream in this log group",
    { action: "logs:CreateLogStream", resource: stream(logGroup) },
  ],
  [
    "write to a stream of this log group",
    { action: "logs:PutLogEvents", resource: stream(logGroup) },
  ],
];

/** What neither role may do: other repositories and log groups, any other service. */
const mustDeny: Array<[string, AwsRequest]> = [
  [
    "pull from another repository",
    { action: "ecr:BatchGetImage", resource: `arn:aws:ecr:${region}:${account}:repository/other` },
  ],
  [
    "pull from the same name in another account",
    {
      action: "ecr:BatchGetImage",
      resource: `arn:aws:ecr:${region}:210987654321:repository/ha-web-service/web`,
    },
  ],
  ["push to this repository", { action: "ecr:PutImage", resource: repo }],
  ["delete images of this repository", { action: "ecr:BatchDeleteImage", resource: repo }],
  [
    "write to another log group",
    {
      action: "logs:PutLogEvents",
      resource: stream(`arn:aws:logs:${region}:${account}:log-group:other`),
    },
  ],
  [
    "write to a log group sharing this one's prefix",
    {
      action: "logs:PutLogEvents",
      resource: stream(`arn:aws:logs:${region}:${account}:log-group:web-logs-archive`),
    },
  ],
  ["delete this log group", { action: "logs:DeleteLogGroup", resource: logGroup }],
  ["read any S3 object", { action: "s3:GetObject", resource: "arn:aws:s3:::any-bucket/any-key" }],
  ["list any S3 bucket", { action: "s3:ListBucket", resource: "arn:aws:s3:::any-bucket" }],
  [
    "pass a role to a service",
    { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/web-task` },
  ],
  [
    "run a task on another cluster",
    {
      action: "ecs:RunTask",
      resource: `arn:aws:ecs:${region}:${account}:task-definition/web-task:1`,
      context: { "ecs:cluster": `arn:aws:ecs:${region}:${account}:cluster/other` },
    },
  ],
  [
    "update a service on another cluster",
    { action: "ecs:UpdateService", resource: `arn:aws:ecs:${region}:${account}:service/other/svc` },
  ],
  [
    "read a secret",
    {
      action: "secretsmanager:GetSecretValue",
      resource: `arn:aws:secretsmanager:${region}:${account}:secret:db-AbCdEf`,
    },
  ],
];

type Plan = Pick<PlanResult, "resources">;

function role(plan: Plan, name: string): AwsRole {
  const found = awsRolesOf(plan, account).find((r) => r.name === name);
  assert.ok(found, `no role ${name} in the plan`);
  return found;
}

/** Requests whose decision differs from the one expected, as readable lines. */
async function mismatches(
  subject: AwsRole,
  table: Array<[string, AwsRequest]>,
  expected: Decision,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const [what, request] of table) {
    const decision = await decideAws(subject, request, account);
    if (decision !== expected) wrong.push(`${what}: ${decision}, expected ${expected}`);
  }
  return wrong;
}

function withExecutionStatement(plan: Plan, index: number, resource: string): Plan {
  const copy = copyPlan(plan);
  for (const r of copy.resources) {
    if (r.type !== "aws:iam/rolePolicy:RolePolicy") continue;
    const doc = JSON.parse(r.inputs.policy as string) as { Statement: Record<string, unknown>[] };
    doc.Statement[index].Resource = resource;
    r.inputs.policy = JSON.stringify(doc);
  }
  return copy;
}

for (const stack of ["test", "prod"]) {
  const load = () => planStack(stack, "aws");

  describe(`AWS IAM · ${stack} stack`, () => {
    it("has two roles, an inline policy on the execution role only, and no managed policy", async () => {
      const roles = awsRolesOf(await load(), account);
      assert.deepEqual(
        roles.map((r) => [r.name, r.inlinePolicies.map((p) => p.source), r.managedPolicyArns]),
        [
          ["web-execution", ["aws:iam/rolePolicy:RolePolicy::web-execution"], []],
          ["web-task", [], []],
        ],
      );
    });

    it("every role carries the stack's permissions boundary, the one the deploy roles require", async () => {
      const boundary = "arn:aws:iam::123456789012:policy/ha-web-service-workload-boundary";
      const roles = (await load()).resources.filter((r) => r.type === "aws:iam/role:Role");
      assert.deepEqual(
        roles.map((r) => [r.name, r.inputs.permissionsBoundary]),
        roles.map((r) => [r.name, boundary]),
      );
    });

    it("every trust and identity document is valid IAM policy grammar", async () => {
      assert.deepEqual(validateAwsDocuments(await load(), account), []);
    });

    it("the execution role can pull this image and write this log group", async () => {
      assert.deepEqual(
        await mismatches(role(await load(), "web-execution"), mustAllow, "Allowed"),
        [],
      );
    });

    it("the execution role can do nothing else", async () => {
      assert.deepEqual(
        await mismatches(role(await load(), "web-execution"), mustDeny, "ImplicitlyDenied"),
        [],
      );
    });

    it("the task role can do nothing at all", async () => {
      const task = role(await load(), "web-task");
      assert.deepEqual(await mismatches(task, [...mustAllow, ...mustDeny], "ImplicitlyDenied"), []);
    });

    it("only this account's ECS tasks may assume either role", async () => {
      for (const name of ["web-execution", "web-task"]) {
        const subject = role(await load(), name);
        const ecs = "ecs-tasks.amazonaws.com";
        const table: Array<[string, string, Record<string, string>, Decision]> = [
          ["ECS tasks of this account", ecs, { "aws:SourceAccount": account }, "Allowed"],
          [
            "ECS tasks of another account",
            ecs,
            { "aws:SourceAccount": "210987654321" },
            "ImplicitlyDenied",
          ],
          ["ECS without a source account", ecs, {}, "ImplicitlyDenied"],
          [
            "EC2 instances",
            "ec2.amazonaws.com",
            { "aws:SourceAccount": account },
            "ImplicitlyDenied",
          ],
          ["a user of this account", `arn:aws:iam::${account}:user/alice`, {}, "ImplicitlyDenied"],
        ];
        for (const [who, principal, context, expected] of table) {
          assert.equal(
            await decideAssumeRole(subject, principal, account, context),
            expected,
            `${name}: ${who}`,
          );
        }
      }
    });
  });
}

describe("AWS IAM · the tables notice a broken plan", () => {
  const load = () => planStack("prod", "aws");

  it("pulling from another repository becomes allowed when the pull statement widens to *", async () => {
    const broken = withExecutionStatement(await load(), 1, "*");
    const wrong = await mismatches(role(broken, "web-execution"), mustDeny, "ImplicitlyDenied");
    assert.deepEqual(wrong, [
      "pull from another repository: Allowed, expected ImplicitlyDenied",
      "pull from the same name in another account: Allowed, expected ImplicitlyDenied",
    ]);
  });

  it("writing this log group becomes denied when the statement loses the :* streams", async () => {
    const broken = withExecutionStatement(await load(), 2, logGroup);
    const wrong = await mismatches(role(broken, "web-execution"), mustAllow, "Allowed");
    assert.deepEqual(wrong, [
      "create a stream in this log group: ImplicitlyDenied, expected Allowed",
      "write to a stream of this log group: ImplicitlyDenied, expected Allowed",
    ]);
  });

  it("the task role is found to allow S3 once a policy is attached to it", async () => {
    const copy = copyPlan(await load());
    copy.resources.push({
      ...copy.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!,
      name: "web-task-s3",
      inputs: {
        role: "web-task-id",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" }],
        }),
      },
    });
    const wrong = await mismatches(role(copy, "web-task"), mustDeny, "ImplicitlyDenied");
    assert.deepEqual(wrong, ["read any S3 object: Allowed, expected ImplicitlyDenied"]);
  });

  it("a trust without the source-account condition lets another account's tasks in", async () => {
    const copy = copyPlan(await load());
    for (const r of copy.resources.filter((x) => x.type === "aws:iam/role:Role")) {
      const doc = JSON.parse(r.inputs.assumeRolePolicy as string) as {
        Statement: Record<string, unknown>[];
      };
      delete doc.Statement[0].Condition;
      r.inputs.assumeRolePolicy = JSON.stringify(doc);
    }
    const decision = await decideAssumeRole(
      role(copy, "web-execution"),
      "ecs-tasks.amazonaws.com",
      account,
      { "aws:SourceAccount": "210987654321" },
    );
    assert.equal(decision, "Allowed");
  });

  it("invalid grammar is reported with its path, and managed policies are refused", async () => {
    const copy = copyPlan(await load());
    const policy = copy.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const doc = JSON.parse(policy.inputs.policy as string) as {
      Statement: Record<string, unknown>[];
    };
    doc.Statement[0].Effect = "allow";
    policy.inputs.policy = JSON.stringify(doc);
    const task = copy.resources.find(
      (r) => r.type === "aws:iam/role:Role" && r.name === "web-task",
    )!;
    task.inputs.managedPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

    assert.deepEqual(validateAwsDocuments(copy, account), [
      {
        source: "aws:iam/rolePolicy:RolePolicy::web-execution",
        kind: "identity",
        problems: ['Statement[0].Effect: Effect must be present and exactly "Allow" or "Deny"'],
      },
    ]);
    await assert.rejects(
      decideAws(role(copy, "web-task"), mustDeny[0][1], account),
      /managed policies arn:aws:iam::aws:policy\/ReadOnlyAccess cannot be simulated offline/,
    );
  });
});
