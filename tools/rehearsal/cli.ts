import { runRehearseCli } from "./main";

// First Ctrl-C (or SIGTERM): stop everything in order and leave. Second: leave at once; the
// exit hooks of lb.ts and instance.ts still kill every process group the rehearsal started.
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}
runRehearseCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: controller.signal,
}).then(
  (code) => {
    // stdin keeps the event loop alive; everything else has stopped.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`rehearse: unexpected error: ${String(error)}\n`);
    process.exit(70);
  },
);
