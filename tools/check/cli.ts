import { runMain } from "../lib/cli";
import { runCheckCli } from "./main";

/** The command, for tests that run it in-process. */
export const main = runCheckCli;

// Ctrl-C ends a periodic run after the current check.
if (require.main === module) runMain("check", main, { interruptible: true });
