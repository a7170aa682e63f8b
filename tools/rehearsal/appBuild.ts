/**
 * The app compiled to JavaScript once per source change, as the image runs it (the Dockerfile's
 * `tsc` build runs `node dist/src/supervisor.js`), so launched instances do not compile the
 * supervisor and the app under tsx on every start: two Node processes per instance, dozens of
 * instances per drill. esbuild (already the CLIs' loader: scripts/register.js) strips the types
 * file by file; type errors are the static checks' job (app/ is in tsconfig.json's program).
 * The output lives in node_modules/.cache/ha-web-app/<hash of the sources>/, laid out as app/
 * (src/, nginx/ with its template), because the code finds its neighbours through __dirname.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";

const sourceDirs = ["src", "nginx"];

/** The app's source files under `appDir` (relative paths, sorted): the .ts files and the rest. */
function sources(appDir: string): string[] {
  return sourceDirs
    .flatMap((dir) => readdirSync(join(appDir, dir)).map((name) => join(dir, name)))
    .filter((path) => !path.endsWith(".d.ts"))
    .sort();
}

/**
 * Compiles `appDir` (default: this repository's app/) into the cache unless that version is
 * there already, and returns the compiled supervisor's path. Safe when several processes race:
 * each builds into its own directory and the first rename wins.
 */
export function compiledSupervisor(appDir: string, cacheRoot: string): string {
  const files = sources(appDir);
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(appDir, file)));
  const target = join(cacheRoot, hash.digest("hex").slice(0, 16));
  const supervisor = join(target, "src", "supervisor.js");
  if (existsSync(supervisor)) return supervisor;

  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, ".build-"));
  try {
    buildSync({
      entryPoints: files.filter((file) => file.endsWith(".ts")).map((file) => join(appDir, file)),
      outbase: appDir,
      outdir: staging,
      format: "cjs",
      platform: "node",
      target: "node20",
      logLevel: "error",
    });
    for (const file of files.filter((name) => !name.endsWith(".ts"))) {
      copyFileSync(join(appDir, file), join(staging, file));
    }
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process renamed its build first: that build is the same sources.
    if (!existsSync(supervisor)) throw error;
  }
  return supervisor;
}
