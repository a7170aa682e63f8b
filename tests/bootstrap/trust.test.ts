import assert from "node:assert/strict";
import {
  checkAzureTrust,
  checkGcpTrust,
  checkGithubTrustPolicy,
  checkSubjects,
  FederatedCredential,
  gcpAttributeCondition,
  githubIssuer,
  githubTrustPolicy,
  PolicyDocument,
  pipelineSubjects,
} from "../../bootstrap/trust";

const repository = "acme/ha-web-service";
const environments = ["test", "prod"];
const providerArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const repositoryId = "123456789";
const subjects = pipelineSubjects(repository, environments);

describe("pipeline subjects", () => {
  it("gives the read-only identity pull requests and main, and the deploy identity environments only", () => {
    // The deploy identity must not trust a ref: a job on main that leaves out `environment:`
    // would then deploy prod without the environment's required reviewers.
    assert.deepEqual(subjects, {
      preview: [
        "repo:acme/ha-web-service:pull_request",
        "repo:acme/ha-web-service:ref:refs/heads/main",
      ],
      deploy: [
        "repo:acme/ha-web-service:environment:test",
        "repo:acme/ha-web-service:environment:prod",
      ],
    });
    assert.deepEqual(
      checkSubjects([...subjects.preview, ...subjects.deploy], repository, environments),
      [],
    );
  });

  const bad: [string, string, string][] = [
    ["any repository", "repo:*", 'subject "repo:*" has a wildcard; list exact subjects'],
    [
      "any branch",
      "repo:acme/ha-web-service:ref:refs/heads/*",
      'subject "repo:acme/ha-web-service:ref:refs/heads/*" has a wildcard; list exact subjects',
    ],
    [
      "another repository",
      "repo:acme/other:pull_request",
      'subject "repo:acme/other:pull_request" is not of repository acme/ha-web-service',
    ],
    [
      "a repository whose name extends this one",
      "repo:acme/ha-web-service-fork:pull_request",
      'subject "repo:acme/ha-web-service-fork:pull_request" is not of repository acme/ha-web-service',
    ],
    [
      "another branch",
      "repo:acme/ha-web-service:ref:refs/heads/dev",
      'subject "repo:acme/ha-web-service:ref:refs/heads/dev" is not one of repo:acme/ha-web-service:pull_request, repo:acme/ha-web-service:ref:refs/heads/main, repo:acme/ha-web-service:environment:test, repo:acme/ha-web-service:environment:prod',
    ],
  ];
  for (const [label, subject, message] of bad) {
    it(`rejects ${label}`, () => {
      assert.deepEqual(checkSubjects([subject], repository, environments), [message]);
    });
  }
});

describe("AWS role trust policy", () => {
  const expected = {
    providerArn,
    repository,
    repositoryId,
    environments,
    subjects: subjects.deploy,
  };
  const good = githubTrustPolicy(providerArn, subjects.deploy, repositoryId);

  it("is exactly: GitHub's provider, the STS audience, the repository id, StringEquals on the listed subjects", () => {
    assert.deepEqual(good, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHubActionsOidc",
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:repository_id": "123456789",
              "token.actions.githubusercontent.com:sub": [
                "repo:acme/ha-web-service:environment:test",
                "repo:acme/ha-web-service:environment:prod",
              ],
            },
          },
        },
      ],
    });
    assert.deepEqual(checkGithubTrustPolicy(good, expected), []);
  });

  /** A copy of the good policy with its one statement changed. */
  const broken = (change: (statement: Record<string, unknown>) => void): PolicyDocument => {
    const copy = structuredClone(good) as unknown as { Statement: Record<string, unknown>[] };
    change(copy.Statement[0]);
    return copy as unknown as PolicyDocument;
  };
  const conditions = (s: Record<string, unknown>) =>
    s.Condition as Record<string, Record<string, unknown>>;

  const fixtures: [string, PolicyDocument, RegExp][] = [
    ["a * principal", broken((s) => (s.Principal = "*")), /Principal must be exactly/],
    [
      "an AWS * principal",
      broken((s) => (s.Principal = { AWS: "*" })),
      /Principal must be exactly/,
    ],
    [
      "no subject condition",
      broken((s) => delete conditions(s).StringEquals["token.actions.githubusercontent.com:sub"]),
      /no token\.actions\.githubusercontent\.com:sub condition/,
    ],
    [
      "repo:* under StringLike",
      broken((s) => {
        delete conditions(s).StringEquals["token.actions.githubusercontent.com:sub"];
        conditions(s).StringLike = { "token.actions.githubusercontent.com:sub": "repo:*" };
      }),
      /"repo:\*" has a wildcard/,
    ],
    [
      "every branch under StringLike",
      broken((s) => {
        conditions(s).StringLike = {
          "token.actions.githubusercontent.com:sub": "repo:acme/ha-web-service:ref:refs/heads/*",
        };
      }),
      /refs\/heads\/\*" has a wildcard/,
    ],
    [
      "another repository's environment",
      broken((s) => {
        conditions(s).StringEquals["token.actions.githubusercontent.com:sub"] = [
          "repo:evil/ha-web-service:environment:prod",
        ];
      }),
      /is not of repository acme\/ha-web-service/,
    ],
    [
      "a main-branch subject on the deploy role",
      broken((s) => {
        (conditions(s).StringEquals["token.actions.githubusercontent.com:sub"] as string[]).push(
          "repo:acme/ha-web-service:ref:refs/heads/main",
        );
      }),
      /unexpected subjects: repo:acme\/ha-web-service:ref:refs\/heads\/main/,
    ],
    [
      "no repository id: a re-registered name would pass",
      broken(
        (s) =>
          delete conditions(s).StringEquals["token.actions.githubusercontent.com:repository_id"],
      ),
      /needs StringEquals token\.actions\.githubusercontent\.com:repository_id = 123456789, the repository's immutable id/,
    ],
    [
      "another repository's id",
      broken(
        (s) =>
          (conditions(s).StringEquals["token.actions.githubusercontent.com:repository_id"] = "42"),
      ),
      /repository_id = 123456789/,
    ],
    [
      "no audience",
      broken((s) => delete conditions(s).StringEquals["token.actions.githubusercontent.com:aud"]),
      /needs StringEquals token\.actions\.githubusercontent\.com:aud = sts\.amazonaws\.com/,
    ],
  ];
  for (const [label, document, message] of fixtures) {
    it(`catches ${label}`, () => {
      const problems = checkGithubTrustPolicy(document, expected);
      assert.ok(
        problems.some((p) => message.test(p)),
        `expected a problem matching ${message}; got ${JSON.stringify(problems)}`,
      );
    });
  }
});

describe("GCP provider condition and impersonation members", () => {
  const all = [...subjects.preview, ...subjects.deploy];
  const pool = "projects/123456789012/locations/global/workloadIdentityPools/github-actions";
  const condition = gcpAttributeCondition(repositoryId, all);
  const members = all.map((s) => `principal://iam.googleapis.com/${pool}/subject/${s}`);

  it("pins the repository by its immutable id and lists exact subjects", () => {
    assert.equal(
      condition,
      "assertion.repository_id == '123456789' && assertion.sub in ['repo:acme/ha-web-service:pull_request', 'repo:acme/ha-web-service:ref:refs/heads/main', 'repo:acme/ha-web-service:environment:test', 'repo:acme/ha-web-service:environment:prod']",
    );
    assert.deepEqual(
      checkGcpTrust(condition, members, { repository, repositoryId, environments }),
      [],
    );
  });

  const fixtures: [string, string, string[], RegExp][] = [
    [
      "an owner-wide condition",
      "assertion.repository_owner == 'acme'",
      members,
      /must require assertion\.repository_id == '123456789'/,
    ],
    [
      "a condition on the repository's name, which can be re-registered after a rename",
      "assertion.repository == 'acme/ha-web-service' && assertion.sub in ['repo:acme/ha-web-service:pull_request']",
      members,
      /must require assertion\.repository_id == '123456789' \(the immutable id, not the name\)/,
    ],
    [
      "a condition widened with ||",
      `${condition} || assertion.repository_owner == 'acme'`,
      members,
      /must not contain \|\|/,
    ],
    [
      "a principalSet of the whole pool",
      condition,
      [`principalSet://iam.googleapis.com/${pool}/*`],
      /is not a single federated subject/,
    ],
    [
      "a member for every branch",
      condition,
      [`principal://iam.googleapis.com/${pool}/subject/repo:acme/ha-web-service:ref:refs/heads/*`],
      /has a wildcard/,
    ],
  ];
  for (const [label, badCondition, badMembers, message] of fixtures) {
    it(`catches ${label}`, () => {
      const problems = checkGcpTrust(badCondition, badMembers, {
        repository,
        repositoryId,
        environments,
      });
      assert.ok(
        problems.some((p) => message.test(p)),
        JSON.stringify(problems),
      );
    });
  }
});

describe("Azure federated credentials", () => {
  const good: FederatedCredential[] = subjects.deploy.map((subject) => ({
    issuer: githubIssuer,
    subject,
    audiences: ["api://AzureADTokenExchange"],
  }));

  it("accept GitHub's issuer, Entra's exchange audience and the environment subjects", () => {
    assert.deepEqual(checkAzureTrust(good, { repository, environments }), []);
  });

  const fixtures: [string, Partial<FederatedCredential>, RegExp][] = [
    ["every branch", { subject: "repo:acme/ha-web-service:ref:refs/heads/*" }, /has a wildcard/],
    ["another issuer", { issuer: "https://example.com" }, /issuer must be/],
    ["another audience", { audiences: ["sts.amazonaws.com"] }, /audiences must be/],
  ];
  for (const [label, change, message] of fixtures) {
    it(`catches ${label}`, () => {
      const problems = checkAzureTrust([{ ...good[0], ...change }], { repository, environments });
      assert.ok(
        problems.some((p) => message.test(p)),
        JSON.stringify(problems),
      );
    });
  }
});
