import { runMain } from "../lib/cli";
import { runRehearseCli } from "./main";

// First Ctrl-C (or SIGTERM): stop everything in order and leave. Second: leave at once; the
// exit hook of procs.ts still kills every process group the rehearsal started.
runMain("rehearse", (argv, io) => runRehearseCli(argv, { ...io, stdin: process.stdin }), {
  interruptible: true,
});
