import { runMain } from "../lib/cli";
import { runDrillCli } from "./main";

// First Ctrl-C: stop the drill and tear the target down (for the rehearsal: every process it
// started). Second: leave at once; the rehearsal's exit hooks still kill its process groups.
runMain("drill", runDrillCli, { interruptible: true });
