import assert from "node:assert/strict";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledSupervisor } from "../../tools/rehearsal/appBuild";
import { repoRoot } from "../../tools/rehearsal/instance";
import { startInstance, stopAllInstances } from "../helpers/processes";

describe("the app compiled once for launched instances (appBuild.ts)", () => {
  let work: string;
  let app: string;
  let cache: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "app-build-"));
    app = join(work, "app");
    cache = join(work, "cache");
    for (const dir of ["src", "nginx"])
      cpSync(join(repoRoot, "app", dir), join(app, dir), { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("lays the output out as app/ (src/, nginx/ with its template) and reuses it while the sources are unchanged", () => {
    const first = compiledSupervisor(app, cache);
    assert.match(first, /src\/supervisor\.js$/);
    const built = join(first, "..", "..");
    assert.ok(statSync(join(built, "src", "server.js")).isFile());
    assert.ok(statSync(join(built, "nginx", "render.js")).isFile());
    assert.ok(statSync(join(built, "nginx", "nginx.conf.template")).isFile());
    const mtime = statSync(first).mtimeMs;
    assert.equal(compiledSupervisor(app, cache), first);
    assert.equal(statSync(first).mtimeMs, mtime, "an unchanged app is not rebuilt");
    assert.deepEqual(
      readdirSync(cache).filter((name) => name.startsWith(".build-")),
      [],
      "no staging directory is left behind",
    );
  });

  it("builds again when a source changes", () => {
    const before = compiledSupervisor(app, cache);
    writeFileSync(join(app, "src", "version.ts"), "// changed\n", { flag: "a" });
    const after = compiledSupervisor(app, cache);
    assert.notEqual(after, before);
  });

  it("is what startInstance runs by default, and it serves as the image does", async function () {
    this.timeout(60_000);
    try {
      const instance = await startInstance({ version: "2.3.4", drainSeconds: 1 });
      const response = await fetch(`${instance.url}/version.txt`);
      assert.equal((await response.text()).trim(), "2.3.4");
      const processes = readdirSync("/proc").filter((pid) => /^\d+$/.test(pid));
      const commandLines = processes.flatMap((pid) => {
        try {
          return [readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ")];
        } catch {
          return [];
        }
      });
      assert.ok(
        commandLines.some((line) =>
          /node_modules\/\.cache\/ha-web-app\/[0-9a-f]{16}\/src\/supervisor\.js/.test(line),
        ),
        "the instance's supervisor is the compiled one",
      );
    } finally {
      await stopAllInstances();
    }
  });
});
