import { runMain } from "../lib/cli";
import { runProbeCli } from "./main";

// First Ctrl-C: stop sending and print the summary. Second: leave at once.
runMain("probe", runProbeCli, { interruptible: true });
