import { runMain } from "../lib/cli";
import { runProbeCli } from "./main";

/** The command, for tests that run it in-process. */
export const main = runProbeCli;

// First Ctrl-C: stop sending and print the summary. Second: leave at once.
if (require.main === module) runMain("probe", main, { interruptible: true });
