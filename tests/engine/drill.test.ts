import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { openStack, StackApi } from "../../tools/drill/automation";
import { Exec } from "../../tools/drill/clouds";
import { runDrillCli } from "../../tools/drill/main";
import { LiveResource, RecordedCall, RecordedCloud } from "../../tools/engine/provider/cloud";
import { mustNotReplace } from "../../tools/engine/steps";
import { fakeEcs, fakeService, recordingExec } from "../drill/fakes";
import { Cloud, cloudStep, clouds, Deployment } from "./deployments";

/**
 * `npm run drill -- rollout --target stack:test` against the real engine: the drill opens the
 * stack through the Automation API with the engine tier's CLI, backend, passphrase and plugins
 * (automation.ts `StackOptions`), reads its outputs, sets appVersion and runs `pulumi up`, which
 * the recording providers answer. What needs a real cloud is stood in for, and nothing else: the
 * cloud's CLI answers from what the engine deployed (the fakes of tests/drill, sized from the
 * recorded cloud), and the service behind the stack's `url` output is a server on 127.0.0.1 that
 * serves the image tag the instance group runs in the recorded cloud, so the probe sees the new
 * version only once the engine has really rolled it out.
 */

/** The group a rollout must update, per cloud. */
const groupType: Record<Cloud, string> = {
  aws: "aws:ecs/service:Service",
  gcp: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  azure: "azure-native:compute:VirtualMachineScaleSet",
};

/** The live instance group of `stack` in the recorded cloud. */
function liveGroup(cloud: RecordedCloud, type: string, stack: string): LiveResource {
  const groups = cloud
    .list()
    .filter((r) => r.type === type && r.urn.startsWith(`urn:pulumi:${stack}::`));
  assert.equal(groups.length, 1, `expected one ${type} in ${stack}`);
  return groups[0];
}

/** Every string in a value, and the text of those that are base64 (cloud-init as customData). */
function texts(value: unknown): string[] {
  if (typeof value === "string") {
    const decoded = /^[A-Za-z0-9+/]{40,}={0,2}$/.test(value)
      ? Buffer.from(value, "base64").toString("utf8")
      : "";
    return [value, decoded];
  }
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}

/**
 * The image tag the group runs, as the cloud would start it: found in the group itself (the scale
 * set's cloud-init) or in the definition it points at (the task definition its service names by
 * ARN, the instance template its MIG names by `selfLinkUnique`), never in the stack's config.
 */
function servedTag(cloud: RecordedCloud, type: string, stack: string): string {
  const group = liveGroup(cloud, type, stack);
  const references = new Set(texts(group.outputs));
  const definitions = cloud
    .list()
    .filter(
      (r) =>
        r.urn.startsWith(`urn:pulumi:${stack}::`) &&
        [r.id, r.outputs.arn, r.outputs.selfLink, r.outputs.selfLinkUnique].some((v) =>
          references.has(v as string),
        ),
    );
  const tags = new Set(
    [group, ...definitions]
      .flatMap((r) => texts(r.outputs))
      .flatMap((text) => [...text.matchAll(/\/web:([0-9][\w.-]*)/g)].map((m) => m[1])),
  );
  assert.equal(tags.size, 1, `${type} runs images tagged ${[...tags].join(", ") || "none"}`);
  return [...tags][0];
}

/** A cloud CLI for the group the stack deployed, healthy and as large as the cloud says. */
function cloudCli(cloud: Cloud, recorded: RecordedCloud, onUpgradeDone: () => void) {
  const live = () => liveGroup(recorded, groupType[cloud], "test").outputs;
  if (cloud === "aws") return fakeEcs(Number(live().desiredCount));
  if (cloud === "gcp") {
    const size = () => Number(live().targetSize);
    return recordingExec((argv) => {
      if (argv.includes("list-instances")) {
        return Array.from({ length: size() }, (_, i) => ({
          instance: `https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-${"abc"[i % 3]}/instances/web-${i}`,
          instanceStatus: "RUNNING",
          currentAction: "NONE",
        }));
      }
      if (argv.includes("get-health")) {
        const healthStatus = Array.from({ length: size() }, (_, i) => ({
          instance: `web-${i}`,
          healthState: "HEALTHY",
        }));
        return [{ status: { healthStatus } }];
      }
      if (argv.includes("describe")) return { targetSize: size() };
      throw new Error(`unexpected call ${argv.join(" ")}`);
    });
  }
  // Azure: `pulumi up` returns once the scale set's model is saved; the rolling upgrade then
  // runs in the cloud, and only when it completes do the instances serve the new image.
  // The drill asks every 10 s (stackTarget's pollMs): one poll finds it rolling, the next done.
  const progress = ["RollingForward", "Completed"];
  const capacity = () => (live().sku as { capacity: number }).capacity;
  return recordingExec((argv) => {
    if (argv.includes("rolling-upgrade")) {
      const code = progress.shift() ?? "Completed";
      if (code === "Completed") onUpgradeDone();
      return { runningStatus: { code }, progress: { successfulInstanceCount: capacity() } };
    }
    if (argv.includes("show")) return { sku: { capacity: capacity() } };
    if (argv.includes("list-instances")) {
      return Array.from({ length: capacity() }, (_, i) => ({
        instanceId: String(i),
        provisioningState: "Succeeded",
        zones: [String((i % 3) + 1)],
        instanceView: { vmHealth: { status: { code: "HealthState/healthy" } } },
      }));
    }
    throw new Error(`unexpected call ${argv.join(" ")}`);
  });
}

/** What the drill saw and did, and what the engine received meanwhile. */
interface DrillRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly from: string;
  readonly steps: readonly string[];
  readonly calls: readonly RecordedCall[];
  readonly servedAfter: string;
  readonly configAfter: string;
  readonly report: {
    readonly pass: boolean;
    readonly versions: { readonly from: string; readonly to?: string };
    readonly probe: { readonly versions: readonly { readonly version: string }[] };
  };
}

/** `npm run drill -- rollout --target stack:test --version 1.1.0` on the cloud's deployment. */
async function drillRollout(cloud: Cloud, { ws }: Deployment): Promise<DrillRun> {
  const from = servedTag(ws.cloud, groupType[cloud], "test");
  const service = await fakeService(from);
  const steps: string[] = [];
  try {
    // The service switches to what the cloud runs once the cloud has rolled it out: at the end
    // of `pulumi up`, or on Azure when the rolling upgrade that `up` started completes.
    const follow = () => {
      service.deployed = servedTag(ws.cloud, groupType[cloud], "test");
      steps.push(`serving ${service.deployed}`);
    };
    const cli = cloudCli(cloud, ws.cloud, follow);
    const exec: Exec = async (file, args) => {
      if (args.includes("rolling-upgrade")) steps.push("az vmss rolling-upgrade get-latest");
      return cli.exec(file, args);
    };
    const open = async (name: string): Promise<StackApi> => {
      const api = await openStack(name, {
        workDir: ws.project,
        env: ws.env,
        cliRoot: ws.cliRoot,
      });
      return {
        ...api,
        // The one value the engine cannot give: a URL that reaches a server.
        outputs: async () => ({ ...(await api.outputs()), url: service.url }),
        up: async (onOutput) => {
          steps.push("pulumi up");
          await api.up(onOutput);
          steps.push("pulumi up done");
          if (cloud !== "azure") follow();
        },
      };
    };
    const reports = fs.mkdtempSync(path.join(ws.dir, "drill-"));
    ws.cloud.clearCalls();
    let stdout = "";
    let stderr = "";
    const code = await runDrillCli(
      ["rollout", "--target", "stack:test", "--version", "1.1.0", "--rate", "20/s"].concat([
        "--json",
        "drill.json",
        "--markdown",
        "drill.md",
      ]),
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        openStack: open,
        exec,
        cwd: reports,
      },
    );
    const report = fs.existsSync(path.join(reports, "drill.json"))
      ? (JSON.parse(
          fs.readFileSync(path.join(reports, "drill.json"), "utf8"),
        ) as DrillRun["report"])
      : { pass: false, versions: { from: "" }, probe: { versions: [] } };
    return {
      code,
      stdout,
      stderr,
      from,
      steps,
      calls: ws.cloud.calls(),
      servedAfter: servedTag(ws.cloud, groupType[cloud], "test"),
      configAfter: (await ws.ok(["config", "get", "appVersion"])).stdout.trim(),
      report,
    };
  } finally {
    await service.close();
  }
}

for (const cloud of clouds) {
  describe(`engine: npm run drill -- rollout --target stack:test (${cloud})`, function () {
    this.timeout(600_000);
    const drill = cloudStep(cloud, (deployed) => drillRollout(cloud, deployed));

    it("passes, and its report shows the deployed version, then 1.1.0", async () => {
      const run = await drill;
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /^rollout: PASS: 0 of \d+ requests failed/m);
      assert.equal(run.report.pass, true);
      assert.deepEqual(run.report.versions, { from: run.from, to: "1.1.0" });
      assert.deepEqual(
        run.report.probe.versions.map((v) => v.version),
        [run.from, "1.1.0"],
      );
    });

    it("rolled the stack through the engine: the group updated, no entry point or group replaced", async () => {
      const run = await drill;
      assert.deepEqual(
        run.calls.filter((c) => ["create", "delete"].includes(c.op) && mustNotReplace.has(c.type)),
        [],
        "the drill's rollout replaced an entry point or the instance group",
      );
      const updates = run.calls.filter((c) => c.op === "update" && c.type === groupType[cloud]);
      assert.equal(updates.length, 1, `${groupType[cloud]} was not updated once`);
      assert.equal(run.servedAfter, "1.1.0", "the group does not run the new image");
      assert.equal(run.configAfter, "1.1.0", "the stack's appVersion was not kept");
    });

    if (cloud === "azure") {
      it("waited for the rolling upgrade that outlives pulumi up, to its end", async () => {
        const run = await drill;
        assert.deepEqual(run.steps, [
          "pulumi up",
          "pulumi up done",
          "az vmss rolling-upgrade get-latest",
          "az vmss rolling-upgrade get-latest",
          "serving 1.1.0",
        ]);
      });
    } else {
      it("saw the new version once pulumi up had rolled it out", async () => {
        const run = await drill;
        assert.deepEqual(run.steps, ["pulumi up", "pulumi up done", "serving 1.1.0"]);
      });
    }
  });
}
