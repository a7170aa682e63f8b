import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validate, ValidationSeverity } from "dockerfile-utils";
import { dockerfileRuleProblems, instructions } from "./dockerfileRules";

const dockerfile = readFileSync(join(__dirname, "..", "..", "app", "Dockerfile"), "utf8");

// Every optional check at error level, so "no problems" means none at all.
const strict = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const good = `FROM node:20.20.2-bookworm-slim AS build
RUN echo build
FROM node:20.20.2-bookworm-slim
COPY --from=build /x /x
USER 1000:1000
HEALTHCHECK CMD ["node", "h.js"]
STOPSIGNAL SIGTERM
`;

describe("app/Dockerfile", () => {
  it("has no problems by dockerfile-utils, every check at error level", () => {
    assert.deepEqual(
      validate(dockerfile, strict).map((d) => `line ${d.range.start.line + 1}: ${d.message}`),
      [],
    );
  });

  it("follows the house rules: pinned bases, non-root user, HEALTHCHECK, STOPSIGNAL", () => {
    assert.deepEqual(dockerfileRuleProblems(dockerfile), []);
  });

  it("keeps the contract the cloud code relies on", () => {
    const list = instructions(dockerfile);
    const last = (keyword: string) => list.filter((i) => i.keyword === keyword).pop()?.args;
    assert.equal(last("EXPOSE"), "8080");
    assert.equal(last("STOPSIGNAL"), "SIGTERM");
    assert.match(last("HEALTHCHECK") ?? "", /CMD \["node", "\/app\/dist\/src\/healthcheck\.js"\]$/);
    assert.equal(
      last("ENTRYPOINT"),
      '["/usr/bin/tini", "--", "node", "/app/dist/src/supervisor.js"]',
    );
    assert.equal(last("ARG"), "APP_VERSION");
    assert.match(dockerfile, /printf '%s\\n' "\$\{APP_VERSION\}" > \/srv\/www\/version\.txt/);
    // Two stages: the compiler and devDependencies stay in the first.
    assert.equal(list.filter((i) => i.keyword === "FROM").length, 2);
  });

  it("has RUN commands that shellcheck finds nothing wrong with", function () {
    const runs = instructions(dockerfile).filter((i) => i.keyword === "RUN");
    assert.equal(runs.length, 5);
    for (const run of runs) {
      const result = spawnSync("shellcheck", ["--shell=sh", "-"], { input: `${run.args}\n` });
      // shellcheck comes from Debian (apt-get install shellcheck); without it there is nothing to run.
      if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") this.skip();
      assert.equal(result.status, 0, `RUN on line ${run.line}:\n${result.stdout.toString()}`);
    }
    const bad = spawnSync("shellcheck", ["--shell=sh", "-"], { input: 'printf "%s" $UNQUOTED\n' });
    assert.equal(bad.status, 1, "shellcheck must be able to fail");
  });

  describe("the house rules can fail", () => {
    const cases: [string, string, string[]][] = [
      ["a compliant file", good, []],
      [
        "a latest tag",
        good.replace("FROM node:20.20.2-bookworm-slim\n", "FROM node:latest\n"),
        [
          'line 3: FROM node:latest: tag "latest" is not an exact version; pin major.minor.patch such as node:20.20.2-bookworm-slim',
        ],
      ],
      [
        "a bare major",
        good.replace("FROM node:20.20.2-bookworm-slim AS build", "FROM node:20-slim AS build"),
        [
          'line 1: FROM node:20-slim: tag "20-slim" is not an exact version; pin major.minor.patch such as node:20.20.2-bookworm-slim',
        ],
      ],
      [
        "no tag",
        good.replace("FROM node:20.20.2-bookworm-slim\n", "FROM docker.io/library/nginx\n"),
        [
          'line 3: FROM docker.io/library/nginx: no tag, so it floats with "latest"; pin an exact version such as node:20.20.2-bookworm-slim',
        ],
      ],
      [
        "a registry port mistaken for a tag",
        good.replace("FROM node:20.20.2-bookworm-slim\n", "FROM registry:5000/node\n"),
        [
          'line 3: FROM registry:5000/node: no tag, so it floats with "latest"; pin an exact version such as node:20.20.2-bookworm-slim',
        ],
      ],
      [
        "a digest instead of a tag",
        good.replace("FROM node:20.20.2-bookworm-slim\n", `FROM node@sha256:${"a".repeat(64)}\n`),
        [],
      ],
      [
        "no USER",
        good.replace("USER 1000:1000\n", ""),
        ["final stage: no USER, so the container runs as root; add USER <uid>:<gid>"],
      ],
      [
        "USER root",
        good.replace("USER 1000:1000", "USER root"),
        ["line 5: USER root runs the container as root; use a non-root user"],
      ],
      [
        "a USER only in the build stage",
        good.replace("RUN echo build", "USER 1000").replace("USER 1000:1000\n", ""),
        ["final stage: no USER, so the container runs as root; add USER <uid>:<gid>"],
      ],
      [
        "no HEALTHCHECK",
        good.replace('HEALTHCHECK CMD ["node", "h.js"]\n', ""),
        ["final stage: no HEALTHCHECK; add one that requests /healthz"],
      ],
      [
        "no STOPSIGNAL",
        good.replace("STOPSIGNAL SIGTERM\n", ""),
        ["final stage: no STOPSIGNAL; add STOPSIGNAL SIGTERM so the drain is what stops it"],
      ],
    ];
    for (const [name, text, expected] of cases) {
      it(name, () => assert.deepEqual(dockerfileRuleProblems(text), expected));
    }

    it("dockerfile-utils flags a broken instruction", () => {
      assert.deepEqual(
        validate(good.replace("STOPSIGNAL SIGTERM", "STOPSIGNAL FOO"), strict).map(
          (d) => d.message,
        ),
        ["Invalid signal: FOO"],
      );
    });
  });
});
