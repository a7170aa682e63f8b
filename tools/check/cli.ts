import { runMain } from "../lib/cli";
import { runCheckCli } from "./main";

// Ctrl-C ends a periodic run after the current check.
runMain("check", runCheckCli, { interruptible: true });
