import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { BootstrapConfigError, parseBootstrapSettings } from "../../bootstrap/settings";

const ns = "ha-web-service-bootstrap";
const id = { [`${ns}:githubRepositoryId`]: "123456789" };
const parse = (raw: Record<string, string>) => parseBootstrapSettings(raw, ns, "aws-main");
const problemsOf = (raw: Record<string, string>): readonly string[] => {
  try {
    parse(raw);
  } catch (err) {
    if (err instanceof BootstrapConfigError) return err.problems;
    throw err;
  }
  assert.fail("expected a BootstrapConfigError");
};

describe("bootstrap settings", () => {
  it("defaults environments to test and prod and the workload region to the bootstrap region", () => {
    const settings = parse({
      ...id,
      [`${ns}:cloud`]: "aws",
      [`${ns}:githubRepository`]: "acme/ha-web-service",
      "aws:region": "eu-west-1",
    });
    assert.deepEqual(settings.environments, ["test", "prod"]);
    assert.equal(settings.region, "eu-west-1");
    assert.deepEqual(settings.workloadRegions, ["eu-west-1"]);
  });

  it("reads the empty lists Pulumi.yaml declares as defaults as the defaults", () => {
    const settings = parse({
      ...id,
      [`${ns}:cloud`]: "aws",
      [`${ns}:githubRepository`]: "acme/ha-web-service",
      [`${ns}:environments`]: "[]",
      [`${ns}:workloadRegions`]: "[]",
      "aws:region": "eu-west-1",
    });
    assert.deepEqual(
      [settings.environments, settings.workloadRegions],
      [["test", "prod"], ["eu-west-1"]],
    );
  });

  // The real engine refuses a stack that lacks a project key with no default (pulumi/pulumi
  // sdk/go/common/workspace/config.go, mergeConfig), and without `main` the Node host would run
  // the repository root's program (the nearest package.json).
  it("Pulumi.yaml: only the keys an admin must set lack a default, and main is the bootstrap's", () => {
    const project = parseYaml(
      readFileSync(join(__dirname, "..", "..", "bootstrap", "Pulumi.yaml"), "utf8"),
    ) as {
      main?: string;
      config: Record<string, { default?: unknown }>;
    };
    assert.equal(project.main, "index.ts");
    assert.deepEqual(
      Object.entries(project.config)
        .filter(([, declared]) => declared.default === undefined)
        .map(([key]) => key)
        .sort(),
      ["cloud", "githubRepository", "githubRepositoryId"],
    );
  });

  it("reads lists as JSON, as `pulumi config set --path` stores them", () => {
    const settings = parse({
      ...id,
      [`${ns}:cloud`]: "aws",
      [`${ns}:githubRepository`]: "acme/ha-web-service",
      [`${ns}:environments`]: '["prod"]',
      [`${ns}:workloadRegions`]: '["us-east-1", "us-west-2"]',
    });
    assert.deepEqual(settings.environments, ["prod"]);
    assert.deepEqual(settings.workloadRegions, ["us-east-1", "us-west-2"]);
  });

  // Each row is a configuration an admin could get wrong, with the exact message they see.
  const rows: [string, Record<string, string>, string[]][] = [
    [
      "unknown cloud",
      { ...id, [`${ns}:cloud`]: "awz", [`${ns}:githubRepository`]: "acme/web" },
      [`${ns}:cloud: expected one of aws, gcp, azure; got "awz"`],
    ],
    [
      "repository wildcard",
      { ...id, [`${ns}:cloud`]: "aws", [`${ns}:githubRepository`]: "acme/*" },
      [
        `${ns}:githubRepository: expected the repository as owner/name, such as acme/ha-web-service (no wildcards); got "acme/*"`,
      ],
    ],
    [
      "repository missing",
      { ...id, [`${ns}:cloud`]: "aws" },
      [
        `${ns}:githubRepository: expected the repository as owner/name, such as acme/ha-web-service (no wildcards); got null`,
      ],
    ],
    [
      "environment wildcard",
      {
        ...id,
        [`${ns}:cloud`]: "aws",
        [`${ns}:githubRepository`]: "acme/web",
        [`${ns}:environments`]: '["*"]',
      },
      [
        `${ns}:environments: expected a non-empty list of distinct lower-case environment names, such as ["test", "prod"]; got ["*"]`,
      ],
    ],
    [
      "gcp without a project",
      { ...id, [`${ns}:cloud`]: "gcp", [`${ns}:githubRepository`]: "acme/web" },
      ["gcp:project: expected a GCP project id when cloud is gcp; got null"],
    ],
    [
      "repository id missing: the trust would fall back to the name, which can be re-registered",
      { [`${ns}:cloud`]: "aws", [`${ns}:githubRepository`]: "acme/web" },
      [
        `${ns}:githubRepositoryId: expected the repository's numeric id, as \`gh api repos/<owner>/<name> --jq .id\` prints it; got null`,
      ],
    ],
    [
      "repository name given as its id",
      {
        [`${ns}:cloud`]: "aws",
        [`${ns}:githubRepository`]: "acme/web",
        [`${ns}:githubRepositoryId`]: "acme/web",
      },
      [
        `${ns}:githubRepositoryId: expected the repository's numeric id, as \`gh api repos/<owner>/<name> --jq .id\` prints it; got "acme/web"`,
      ],
    ],
  ];
  for (const [label, raw, expected] of rows) {
    it(`rejects ${label}`, () => {
      assert.deepEqual(problemsOf(raw), expected);
    });
  }
});
