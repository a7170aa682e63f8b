import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../tools/engine/workspace";
import { eager, workspace } from "./deployments";

/**
 * Scenario 2: the first deploy exactly as README and the runbook write it, command for command,
 * read from the documents at test time (so the test follows the docs), on a fresh local backend.
 * Pulumi commands run for real against the recording providers. What needs an account or a real
 * endpoint is stood in for by recording stubs on PATH: docker (build, push, and `inspect`, which
 * answers a digest), aws, gcloud, az and gh. Commands that only check a live machine or URL are
 * skipped, each for the reason given in `skipped`.
 */
const skipped: ReadonlyArray<[RegExp, string]> = [
  [/^\s*npm run doctor\b/, "checks cloud credentials, which this machine has none of"],
  [/^\s*npm run (check|probe)\b|^\s*curl\b/, "needs the deployed service's real URL"],
];

/**
 * Where a command is run in an equivalent form, and why. `pulumi login --local` is
 * `file://~`, which the CLI resolves with the user database, not $HOME
 * (pkg/backend/diy/backend.go massageBlobPath: user.Current), so it would write into the machine
 * user's ~/.pulumi; the test's HOME is the same local backend inside the test's folder.
 */
const substituted: ReadonlyArray<[RegExp, string]> = [
  [/pulumi login --local\b/, 'pulumi login "file://$HOME"'],
];

/** The ```sh blocks of a document between two headings, as one script. */
export function documentedScript(markdown: string, from: RegExp, to: RegExp): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => from.test(l));
  const end = lines.findIndex((l, i) => i > start && to.test(l));
  assert.ok(start >= 0 && end > start, `no section ${from} .. ${to}`);
  const script: string[] = [];
  let inBlock = false;
  for (const line of lines.slice(start, end)) {
    const text = line.replace(/^ {3}/, "");
    if (/^```sh\s*$/.test(text.trim())) inBlock = true;
    else if (inBlock && /^```\s*$/.test(text.trim())) inBlock = false;
    else if (inBlock) {
      const skip = skipped.find(([pattern]) => pattern.test(text));
      const same = substituted.reduce((line, [pattern, by]) => line.replace(pattern, by), text);
      script.push(skip ? `# skipped (${skip[1]}): ${text}` : same);
    }
  }
  // Placeholders such as <passphrase from your password manager> get a value.
  return script.join("\n").replace(/<([a-z][^<>\n]*[a-z])>/gi, "engine-test-value");
}

const stubs: Record<string, string> = {
  docker: `case "$1" in
  inspect) for last; do :; done; echo "\${last%:*}@sha256:${"0123456789abcdef".repeat(4)}" ;;
  login) cat >/dev/null ;;
esac`,
  aws: `echo stub-password`,
  gh: `echo 123456789`,
  gcloud: ``,
  az: ``,
};

function writeStubs(dir: string): string {
  const bin = path.join(dir, "stub-bin");
  fs.mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(stubs)) {
    const script = `#!/bin/sh\necho "${name} $*" >> "${path.join(dir, "stub-calls.log")}"\n${body}\nexit 0\n`;
    fs.writeFileSync(path.join(bin, name), script, { mode: 0o755 });
  }
  return bin;
}

const documents = [
  {
    name: "docs/runbooks/first-deploy.md",
    from: /^## Steps/,
    to: /^## Verify/,
    stacks: ["test", "prod"],
  },
  { name: "README.md", from: /^## First real deploy/, to: /^## /, stacks: ["test"] },
];

/** Runs a document's first deploy in a fresh workspace: the script's result, then each stack's. */
async function firstDeploy(document: (typeof documents)[number]) {
  const ws = workspace();
  const markdown = fs.readFileSync(path.join(repoRoot, document.name), "utf8");
  const to = document.to.source === "^## " ? /^## (?!First real deploy)/ : document.to;
  const script = documentedScript(markdown, document.from, to);
  const bin = writeStubs(ws.dir);
  // `pulumi login --local` in the script chooses the backend, not the workspace's default.
  const run = await ws.run("bash", ["-euo", "pipefail", "-c", script], {
    env: { PATH: `${bin}${path.delimiter}${ws.env.PATH}`, PULUMI_BACKEND_URL: "" },
    timeoutMs: 900_000,
  });
  const resources: Record<string, number> = {};
  if (run.code === 0) {
    for (const stack of document.stacks) {
      const exported = await ws.run("pulumi", ["stack", "export", "--stack", stack], {
        env: { PULUMI_BACKEND_URL: "" },
      });
      resources[stack] = (
        (JSON.parse(exported.stdout) as { deployment: { resources?: unknown[] } }).deployment
          .resources ?? []
      ).length;
    }
  }
  return { script, run, resources };
}

for (const document of documents) {
  describe(`engine: the first deploy as ${document.name} writes it`, function () {
    this.timeout(900_000);
    // Started with the tier, beside the other documents and the clouds (deployments.ts).
    const deployed = eager(() => firstDeploy(document));

    it(`succeeds on a fresh backend and deploys ${document.stacks.join(" and ")}`, async () => {
      const { script, run, resources } = await deployed;
      assert.equal(
        run.code,
        0,
        `the documented sequence failed:\n${script}\n${run.stdout}\n${run.stderr}`,
      );
      for (const stack of document.stacks) {
        assert.ok((resources[stack] ?? 0) > 10, `${stack} was not deployed`);
      }
    });
  });
}
