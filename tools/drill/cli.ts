import { runDrillCli } from "./main";

// First Ctrl-C: stop the drill and tear the target down (for the rehearsal: every process it
// started). Second: leave at once; the rehearsal's exit hooks still kill its process groups.
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}
runDrillCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
    // An interrupted drill leaves its probe running in the background; nothing else is left.
    if (code === 130) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`drill: unexpected error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
