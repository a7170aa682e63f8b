import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, versionBumpProblem } from "../../tools/doctor/pipeline";
import { readStackTarget, toGithubOutput } from "../../tools/doctor/stackTarget";

const root = join(__dirname, "..", "..");
const projectFiles = (path: string) => {
  try {
    return readFileSync(join(root, path), "utf8");
  } catch {
    return undefined;
  }
};

describe("stack target (what the pipeline reads before logging in anywhere)", () => {
  for (const stack of ["test", "prod"]) {
    it(`${stack}: cloud, region and version come from Pulumi.${stack}.yaml`, () => {
      const target = readStackTarget(projectFiles, stack);
      const text = projectFiles(`Pulumi.${stack}.yaml`) ?? "";
      // The stack file is the source of truth; the target must agree with it line for line.
      assert.ok(text.includes(`ha-web-service:cloud: ${target.cloud}`));
      assert.ok(text.includes(`ha-web-service:appVersion: "${target.appVersion}"`));
      assert.equal(
        toGithubOutput(target),
        `cloud=${target.cloud}\nregion=${target.region}\napp_version=${target.appVersion}\ngcp_project=${target.gcpProject}\n`,
      );
    });
  }

  it("falls back to Pulumi.yaml's default cloud and the cloud's default region", () => {
    const files: Record<string, string> = {
      "Pulumi.yaml": "name: ha-web-service\nconfig:\n  cloud:\n    default: aws\n",
      "Pulumi.dev.yaml": 'config:\n  ha-web-service:appVersion: "2.0.0"\n',
    };
    assert.deepEqual(
      readStackTarget((p) => files[p], "dev"),
      {
        stack: "dev",
        cloud: "aws",
        region: "us-east-1",
        appVersion: "2.0.0",
        gcpProject: undefined,
        secrets: "none",
      },
    );
  });

  it("tells a KMS stack from a passphrase stack", () => {
    const kms = {
      "Pulumi.k.yaml": "secretsprovider: awskms://alias/x?region=us-east-1\nencryptedkey: abc\n",
    };
    const pass = { "Pulumi.p.yaml": "encryptionsalt: v1:abc\n" };
    assert.equal(
      readStackTarget((p) => (kms as Record<string, string>)[p], "k").secrets,
      "cloud-kms",
    );
    assert.equal(
      readStackTarget((p) => (pass as Record<string, string>)[p], "p").secrets,
      "passphrase",
    );
  });

  const bad: [string, Record<string, string>, string, string][] = [
    [
      "a missing stack file",
      {},
      "qa",
      "stack: no Pulumi.qa.yaml in the project; create it with pulumi stack init qa",
    ],
    [
      "an unknown cloud",
      { "Pulumi.qa.yaml": "config:\n  ha-web-service:cloud: awz\n" },
      "qa",
      'ha-web-service:cloud in Pulumi.qa.yaml: expected one of aws, gcp, azure; got "awz"',
    ],
    [
      "a stack name with a path in it",
      {},
      "../etc",
      'stack: expected a stack name such as test; got "../etc"',
    ],
  ];
  for (const [label, files, stack, message] of bad) {
    it(`refuses ${label}`, () => {
      assert.throws(() => readStackTarget((p) => files[p], stack), { message });
    });
  }
});

describe("a change to app/ needs a new appVersion", () => {
  const v = (test: string, prod: string) => ({ test, prod });
  const rows: [
    string,
    string[],
    Record<string, string>,
    Record<string, string>,
    RegExp | undefined,
  ][] = [
    [
      "no app/ change",
      ["README.md", "providers/aws/network.ts"],
      v("1.0.0", "1.0.0"),
      v("1.0.0", "1.0.0"),
      undefined,
    ],
    [
      "app/ and both versions bumped",
      ["app/src/server.ts", "Pulumi.test.yaml", "Pulumi.prod.yaml"],
      v("1.0.0", "1.0.0"),
      v("1.0.1", "1.0.1"),
      undefined,
    ],
    [
      "app/ changed, no bump",
      ["app/src/server.ts"],
      v("1.0.0", "1.0.0"),
      v("1.0.0", "1.0.0"),
      /^app\/ changed \(app\/src\/server\.ts\) but ha-web-service:appVersion did not: Pulumi\.test\.yaml still has "1\.0\.0", Pulumi\.prod\.yaml still has "1\.0\.0"\. Set a new appVersion in Pulumi\.test\.yaml and Pulumi\.prod\.yaml/,
    ],
    [
      "app/ changed, only test bumped",
      ["app/Dockerfile", "Pulumi.test.yaml"],
      v("1.0.0", "1.0.0"),
      v("1.0.1", "1.0.0"),
      /but ha-web-service:appVersion did not: Pulumi\.prod\.yaml still has "1\.0\.0"\./,
    ],
    [
      "app/ changed, bumped to different versions",
      ["app/Dockerfile"],
      v("1.0.0", "1.0.0"),
      v("1.0.1", "1.0.2"),
      /the stacks name different versions \(test "1\.0\.1", prod "1\.0\.2"\)/,
    ],
  ];
  for (const [label, changed, before, after, expected] of rows) {
    it(label, () => {
      const problem = versionBumpProblem(changed, before, after);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.match(problem ?? "", expected);
    });
  }

  // The real command, on a real git history: what the pull-request workflow runs.
  describe("version-bump on a git repository", () => {
    let dir = "";
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
    const stackFile = (version: string) =>
      `config:\n  ha-web-service:cloud: aws\n  ha-web-service:appVersion: "${version}"\n`;
    const commit = (files: Record<string, string>) => {
      for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
      git("add", "-A");
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "c");
      return git("rev-parse", "HEAD");
    };
    const run = (base: string) =>
      spawnSync(
        process.execPath,
        [
          "-r",
          require.resolve("tsx/cjs"),
          join(root, "tools/doctor/pipeline.ts"),
          "version-bump",
          base,
        ],
        { cwd: dir, encoding: "utf8" },
      );

    before(() => {
      dir = mkdtempSync(join(tmpdir(), "version-bump-"));
      git("init", "-q");
      execFileSync("mkdir", ["-p", join(dir, "app")]);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("fails with the message when app/ changes alone, passes once both versions move", () => {
      const base = commit({
        "Pulumi.yaml": "name: ha-web-service\n",
        "Pulumi.test.yaml": stackFile("1.0.0"),
        "Pulumi.prod.yaml": stackFile("1.0.0"),
        "app/server.ts": "one\n",
      });
      commit({ "app/server.ts": "two\n" });
      assert.equal(main(["version-bump", base], dir), 1);
      commit({ "Pulumi.test.yaml": stackFile("1.0.1"), "Pulumi.prod.yaml": stackFile("1.0.1") });
      assert.equal(main(["version-bump", base], dir), 0);
    });

    it("prints the reason as a GitHub error annotation, from the command line", () => {
      const base = git("rev-parse", "HEAD");
      commit({ "app/server.ts": "three\n" });
      const result = run(base);
      assert.equal(result.status, 1, result.stderr);
      assert.match(
        result.stderr,
        /^::error title=appVersion not bumped::app\/ changed \(app\/server\.ts\) but ha-web-service:appVersion did not/,
      );
    });
  });
});
