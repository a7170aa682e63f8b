import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { PassThrough } from "node:stream";
import { runRehearseCli } from "../../tools/rehearsal/main";
import { groupAlive, portOpen } from "../../tools/rehearsal/procs";
import { Footprint, Rehearsal, startRehearsal } from "../../tools/rehearsal/rehearsal";

/** Every process group the rehearsal started is gone and every port it used is closed. */
async function assertNothingLeft(footprint: Footprint): Promise<void> {
  assert.deepEqual(footprint.processGroups.filter(groupAlive), [], "process groups left");
  const open: number[] = [];
  for (const port of footprint.ports) if (await portOpen(port, 200)) open.push(port);
  assert.deepEqual(open, [], "ports still open");
  assert.equal(existsSync(footprint.directory), false, `${footprint.directory} left behind`);
}

describe("rehearsal: load balancer and managed group on 127.0.0.1", function () {
  this.timeout(30_000);
  let rehearsal: Rehearsal | undefined;
  after(async () => rehearsal?.stop());

  it("starts the stack's group behind the load balancer, spread over its zones", async () => {
    rehearsal = await startRehearsal({ stack: "test" });
    const status = rehearsal.status();
    // The test stack: 2 instances of 1.0.0 over 2 zones, surge 100 % (2), nothing unavailable.
    assert.equal(status.desired, 2);
    assert.equal(status.version, "1.0.0");
    assert.deepEqual(status.policy, { surge: 2, maxUnavailable: 0, minReadyMs: 500 });
    assert.deepEqual(
      status.instances.map((i) => [i.zone, i.state, i.inLb]),
      [
        ["zone-a", "healthy", true],
        ["zone-b", "healthy", true],
      ],
    );
    // Exactly the instances, in the order they became ready (which a busy machine may swap).
    assert.deepEqual([...status.lb.servers].sort(), status.instances.map((i) => i.id).sort());
    assert.match(rehearsal.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("balances requests over both instances, each answering with the stack's version", async () => {
    assert.ok(rehearsal);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i += 1) {
      const response = await fetch(`${rehearsal.url}/`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("x-app-version"), "1.0.0");
      seen.add(((await response.json()) as { answeredBy: string }).answeredBy);
    }
    // `/` names no instance (only an opaque per-process id), so the count is what can be checked:
    // every instance answered.
    assert.equal(seen.size, rehearsal.status().instances.length);
    assert.equal(seen.size, 2);
    const version = await fetch(`${rehearsal.url}/version.txt`);
    assert.equal(await version.text(), "1.0.0\n");
  });

  it("replaces an instance that starts failing its health check (SIGTERM: it drains)", async () => {
    assert.ok(rehearsal);
    const [victim] = rehearsal.status().instances;
    assert.ok(victim);
    rehearsal.kill(victim.id, "SIGTERM");
    const until = async (what: string, condition: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!condition()) {
        assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const kinds = () =>
      rehearsal
        ?.events()
        .filter((e) => e.id === victim.id)
        .map((e) => e.kind);
    // Draining answers 503 on /healthz; two failed checks later it is retired and replaced...
    await until("the victim is retired", () => kinds()?.includes("retired") === true);
    await rehearsal.waitForHealthy(2, 10_000);
    // ...and it finishes its drain (1.5 s) and exits on its own, with code 0.
    await until("the victim stopped", () => kinds()?.includes("stopped") === true);
    assert.deepEqual(kinds(), [
      "launched",
      "healthy",
      "admitted",
      "killed",
      "unhealthy",
      "retired",
      "stopped",
    ]);
    const stopped = rehearsal.events().find((e) => e.id === victim.id && e.kind === "stopped");
    assert.equal(stopped?.detail, "exit code 0");
    const status = rehearsal.status();
    assert.equal(status.inService, 2);
    assert.ok(!status.instances.some((i) => i.id === victim.id), "the victim is gone");
  });

  it("refuses what cannot be done, saying what can", async () => {
    assert.ok(rehearsal);
    assert.throws(() => rehearsal?.kill("i-99"), {
      message: /^kill: no running instance "i-99"; running: i-\d+, i-\d+$/,
    });
    await assert.rejects(rehearsal.rollout("1.0.0"), {
      message: "version: the group already runs 1.0.0",
    });
  });

  it("stops everything: no process group left, no port open, no files", async () => {
    assert.ok(rehearsal);
    const footprint = rehearsal.footprint();
    // LB + 2 instances + 1 replacement.
    assert.equal(footprint.processGroups.length, 4);
    await rehearsal.stop();
    await assertNothingLeft(footprint);
    rehearsal = undefined;
  });
});

describe("npm run rehearse", function () {
  this.timeout(30_000);

  it("prints the URL and the status, takes commands, and stops cleanly on quit", async () => {
    let out = "";
    let err = "";
    const stdin = new PassThrough();
    const controller = new AbortController();
    const done = runRehearseCli(["--instances", "1"], {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      stdin,
      signal: controller.signal,
    });
    const deadline = Date.now() + 20_000;
    while (!out.includes("serving on") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    stdin.write("status\nfrobnicate\nquit\n");
    assert.equal(await done, 0, err);
    assert.match(out, /serving on http:\/\/127\.0\.0\.1:\d+ {2}\(type "help" for commands/);
    assert.match(out, /target 1\.0\.0 {2}1\/1 in service/);
    assert.match(out, / {2}i-1 +1\.0\.0 +zone-a +healthy +in lb +port \d+ +pid \d+/);
    assert.match(err, /rehearse: unknown command "frobnicate"; type help/);
    assert.match(out, /stopped: 2 process groups gone, 3 ports closed\n$/);
  });

  it("Ctrl-C (the abort signal) stops it the same way", async () => {
    let out = "";
    const controller = new AbortController();
    const done = runRehearseCli(["--instances", "1"], {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
      signal: controller.signal,
    });
    const deadline = Date.now() + 20_000;
    while (!out.includes("serving on") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    controller.abort();
    assert.equal(await done, 0);
    assert.match(out, /stopped: 2 process groups gone, 3 ports closed\n$/);
  });

  it("refuses a bad flag with exit code 2", async () => {
    let err = "";
    const code = await runRehearseCli(["--instances", "0"], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (err += t) },
      signal: new AbortController().signal,
    });
    assert.equal(code, 2);
    assert.equal(
      err,
      'rehearse: --instances: expected an integer from 1 to 20; got "0" (see --help)\n',
    );
  });
});
