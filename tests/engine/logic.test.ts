import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as langproto from "@pulumi/pulumi/proto/language_pb";
import { configVariable, runArguments } from "../../tools/engine/languageHost";
import { requiredPlugins } from "../../tools/engine/packages";
import { diffInputs, refreshedInputs } from "../../tools/engine/provider/diff";
import { deleteRefusal } from "../../tools/engine/provider/recording";
import { refusal } from "../../tools/engine/impact";
import { changedSteps, parseUrn } from "../../tools/engine/steps";
import { repoRoot } from "../../tools/engine/workspace";
import { downloadModule } from "./upstream";

describe("engine: language host, diff and refresh logic", () => {
  it("reports a refused change in the program's words, without the engine's temporary path", () => {
    // `pulumi preview --json` escapes the program's multi-line error inside a JSON string.
    const program = "/tmp/ha-engine-G2iUCS/project/index.ts";
    const output = [
      "{",
      `  "message": "error: Running program '${program}' failed with an unhandled exception:\\nError: invalid HighlyAvailableWebService \\"web\\":\\n  rollingMaxSurgePercent (rollingUpdate.maxSurgePercent): expected 0 or at least 51 on gcp; got 50\\n    at new HighlyAvailableWebService\\n"`,
      "}",
    ].join("\n");
    assert.equal(
      refusal(output),
      "rollingMaxSurgePercent (rollingUpdate.maxSurgePercent): expected 0 or at least 51 on gcp; got 50",
    );
    assert.equal(
      refusal(`error: Running program '${program}' failed with an unhandled exception:`),
      "Running program the program failed with an unhandled exception:",
    );
  });

  it("starts the program as the real host's constructArguments does", () => {
    const request = new langproto.RunRequest();
    const info = new langproto.ProgramInfo();
    info.setRootDirectory("/p");
    info.setProgramDirectory("/p");
    info.setEntryPoint(".");
    request.setInfo(info);
    request.setMonitorAddress("127.0.0.1:1");
    request.setProject("ha-web-service");
    request.setStack("test");
    request.setDryrun(true);
    request.setParallel(16);
    assert.deepEqual(runArguments(request, "/run", "127.0.0.1:2"), [
      "/run",
      ...["--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--project", "ha-web-service"],
      ...["--root-directory", "/p", "--stack", "test", "--pwd", "/p", "--dry-run"],
      ...["--parallel", "16", "."],
    ]);
  });

  it("passes config keys in the legacy <namespace>:config:<name> form", () => {
    assert.equal(
      configVariable([
        ["ha-web-service:zoneCount", "2"],
        ["aws:region", "us-east-1"],
      ]),
      '{"ha-web-service:config:zoneCount":"2","aws:config:region":"us-east-1"}',
    );
  });

  it("finds every plugin the lockfile's packages declare, nested copies included", () => {
    const plugins = requiredPlugins(repoRoot).map((p) => `${p.name}@${p.version}`);
    for (const name of ["aws", "awsx", "gcp", "azure-native"]) {
      const pkg = JSON.parse(
        fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi", name, "package.json"), "utf8"),
      ) as { version: string };
      assert.ok(plugins.includes(`${name}@${pkg.version}`), `${name}@${pkg.version} missing`);
    }
  });

  it("replaces only on a table property; updates on any other change", () => {
    const type = "aws:lb/targetGroup:TargetGroup";
    assert.deepEqual(diffInputs(type, { port: 80, slowStart: 0 }, { port: 80, slowStart: 30 }), {
      changed: ["slowStart"],
      replaces: [],
    });
    assert.deepEqual(diffInputs(type, { port: 80 }, { port: 8080 }), {
      changed: ["port"],
      replaces: ["port"],
    });
    assert.deepEqual(diffInputs(type, { port: 80 }, { port: 80 }), { changed: [], replaces: [] });
  });

  it("carries a value that drifted in the cloud into the refreshed inputs, and nothing else", () => {
    const inputs = { sku: { name: "Standard_B2s", capacity: 2 }, tags: { a: "1" } };
    const old = { ...inputs, id: "x", uniqueId: "u" };
    const live = { ...old, sku: { name: "Standard_B2s", capacity: 5 } };
    assert.deepEqual(refreshedInputs(inputs, old, live), {
      sku: { name: "Standard_B2s", capacity: 5 },
      tags: { a: "1" },
    });
    assert.deepEqual(refreshedInputs(inputs, old, old), inputs);
  });

  it("refuses the deletes the cloud or provider refuses, as upstream words it", () => {
    const google = downloadModule(
      "github.com/hashicorp/terraform-provider-google",
      "v1.20.1-0.20260828184646-f3721fb45fa3",
    );
    const source = fs.readFileSync(
      path.join(google, "google/services/compute/resource_compute_global_address.go"),
      "utf8",
    );
    const refusal = deleteRefusal("gcp:compute/globalAddress:GlobalAddress", {
      deletionPolicy: "PREVENT",
    });
    assert.ok(refusal && source.includes(JSON.stringify(refusal).slice(1, 40)));
    assert.equal(deleteRefusal("gcp:compute/globalAddress:GlobalAddress", {}), undefined);
    // Each home answers for its own cloud's types only.
    assert.equal(deleteRefusal("aws:s3/bucket:Bucket", { deletionPolicy: "PREVENT" }), undefined);
    assert.match(
      deleteRefusal("aws:lb/loadBalancer:LoadBalancer", { enableDeletionProtection: true }) ?? "",
      /^OperationNotPermitted/,
    );
    assert.equal(
      deleteRefusal("aws:lb/loadBalancer:LoadBalancer", { enableDeletionProtection: false }),
      undefined,
    );
  });

  it("reads type and name from a URN with parents", () => {
    assert.deepEqual(
      parseUrn(
        "urn:pulumi:test::ha-web-service::haweb:index:Svc$aws:lb/listener:Listener::web-http",
      ),
      { type: "aws:lb/listener:Listener", name: "web-http" },
    );
  });

  it("keeps only the steps of a preview that change something", () => {
    const preview = JSON.stringify({
      steps: [
        { op: "same", urn: "urn:pulumi:t::p::aws:ecs/cluster:Cluster::c" },
        { op: "update", urn: "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t" },
        {
          op: "replace",
          urn: "urn:pulumi:t::p::x$aws:ecs/taskDefinition:TaskDefinition::web-task",
          replaceReasons: ["containerDefinitions"],
        },
      ],
    });
    assert.deepEqual(changedSteps(preview), [
      {
        op: "replace",
        type: "aws:ecs/taskDefinition:TaskDefinition",
        name: "web-task",
        replaceReasons: ["containerDefinitions"],
        diffReasons: [],
      },
    ]);
  });
});
