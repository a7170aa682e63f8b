import { runMain } from "../lib/cli";
import { runDrillCli } from "./main";

/** The command, for tests that run it in-process. */
export const main = runDrillCli;

// First Ctrl-C: stop the drill and tear the target down (for the rehearsal: every process it
// started). Second: leave at once; the rehearsal's exit hooks still kill its process groups.
if (require.main === module) runMain("drill", main, { interruptible: true });
