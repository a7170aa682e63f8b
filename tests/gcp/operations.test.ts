/**
 * What the GCP runbooks promise, checked against what the program does: the first certificate's
 * page (fault 5), the OS patch path (fault 7) and tags as a rollout (fault 9).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cosImageFamily } from "../../providers/gcp/compute";
import { uptimeAlertDocumentation } from "../../providers/gcp/monitoring";
import { one } from "../helpers/plan";
import { everything, inputs, plan, T } from "./helpers";

const root = join(__dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
/** The shell lines of a document's ```sh blocks, list indentation removed. */
const fenced = (markdown: string) =>
  [...markdown.matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)]
    .flatMap((m) => m[2].split("\n").map((line) => line.slice(m[1].length)))
    .join("\n");

describe("gcp: the first certificate's page says what to expect", () => {
  const uptimeAlert = (p: Awaited<ReturnType<typeof plan>>) =>
    p.resources.find((r) => r.type === T.alertPolicy && r.name === "web-alert-uptime");

  it("with a domain, the uptime alert explains the certificate and points at the runbook", async () => {
    const content = inputs(uptimeAlert(await plan("prod", everything))!).documentation.content;
    assert.equal(content, uptimeAlertDocumentation(true));
    assert.match(content, /fires until the Google-managed certificate is ACTIVE/);
    assert.match(content, /gcp-instance-group\.md, "The first certificate"/);
    assert.match(read("docs/runbooks/gcp-instance-group.md"), /^## The first certificate$/m);
  });

  it("without a domain there is no certificate to explain", async () => {
    const content = inputs(uptimeAlert(await plan("prod"))!).documentation.content;
    assert.equal(content, uptimeAlertDocumentation(false));
    assert.doesNotMatch(content, /certificate/);
  });
});

describe("gcp: the OS is patched by replacement, on a documented schedule", () => {
  const runbook = read("docs/runbooks/patch-gcp-os.md");

  it("instances never update themselves, so the runbook is the only patch path between releases", async () => {
    const metadata = inputs(one(await plan("prod"), T.template)).metadata;
    assert.equal(metadata["cos-update-strategy"], "update_disabled");
    assert.match(read("docs/runbooks/README.md"), /\[Patch the GCP OS\]\(patch-gcp-os\.md\)/);
  });

  it("the report reads the image family from the code, the one the template boots", async () => {
    // The runbook's own first line, run here against compute.ts.
    const line = fenced(runbook)
      .split("\n")
      .find((l) => l.startsWith("family="));
    assert.ok(line, "the runbook sets family from the code");
    const family = execFileSync("bash", ["-c", `${line}\necho "$family"`], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    assert.equal(`projects/cos-cloud/global/images/family/${family}`, cosImageFamily);
    const template = inputs(one(await plan("prod"), T.template));
    assert.equal(template.disks[0].sourceImage, cosImageFamily);
    assert.match(fenced(runbook), /describe-from-family "\$family" --project cos-cloud/);
  });

  it("the replacement is rotate-image.md's pulumi up --replace, not a gcloud rolling action", () => {
    assert.match(runbook, /rotate-image\.md#gcp-operating-system-without-a-release/);
    assert.match(
      read("docs/runbooks/rotate-image.md"),
      /^### GCP operating system, without a release$/m,
    );
    assert.doesNotMatch(fenced(runbook), /rolling-action/);
  });
});

describe("gcp: a tag change is a rollout, and the runbook says so", () => {
  it("the template takes the stack's tags through the provider's default labels", async () => {
    const p = await plan("prod", {
      tags: '{"environment":"prod","owner":"platform","team":"web"}',
    });
    const template = one(p, T.template);
    const provider = one(p, T.provider);
    assert.equal(template.provider, `${T.provider}::${provider.name}`);
    assert.equal(JSON.parse(inputs(provider).defaultLabels).team, "web");
    // Templates are immutable: changed labels mean a new template, which the group rolls out.
    assert.match(read("docs/runbooks/gcp-instance-group.md"), /^## Tags are a rollout$/m);
  });
});
