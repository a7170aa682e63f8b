/**
 * The image's processes (supervisor → app + nginx) on free 127.0.0.1 ports, for tests. The
 * launcher is the rehearsal's (tools/rehearsal/instance.ts), so tests, the rehearsal and
 * `npm run bench:app` start instances one way; this module keeps the tests' imports.
 *
 * Call `stopAllInstances()` from an `after`/`afterEach` hook; a process `exit` hook kills
 * whatever is left if a test forgot (or the run was interrupted).
 */
export {
  freePort,
  getStatus,
  nginxBin,
  repoRoot,
  startInstance,
  stopAllInstances,
  waitForHttp,
} from "../../tools/rehearsal/instance";
export type { Exit, Instance, InstanceOptions } from "../../tools/rehearsal/instance";
