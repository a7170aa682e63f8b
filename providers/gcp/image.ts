/** How the GCE startup script runs the image, read from the plan, for the image runner (tests/image). */
import {
  Arrangement,
  ArrangementError,
  dockerRunArgs,
  dockerRunArrangement,
  only,
  Plan,
} from "../../tools/image/arrangements";
import { gcpTypes as T } from "./resourceTypes";

export function gceArrangement(plan: Plan): Arrangement {
  const source = "gcp startup script";
  const template = only(plan, T.template, source);
  const metadata = template.inputs.metadata as Record<string, string> | undefined;
  const script = metadata?.["startup-script"];
  if (typeof script !== "string") throw new ArrangementError(source, "no metadata.startup-script");
  return dockerRunArrangement("gcp", dockerRunArgs(script, "", source), source);
}
