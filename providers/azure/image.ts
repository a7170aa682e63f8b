/** How Azure's cloud-init runs the image, read from the plan, for the image runner (tests/image). */
import { parse as parseYaml } from "yaml";
import {
  Arrangement,
  ArrangementError,
  dockerRunArgs,
  dockerRunArrangement,
  only,
  Plan,
} from "../../tools/image/arrangements";
import { azureTypes as T } from "./resourceTypes";

export function azureArrangement(plan: Plan): Arrangement {
  const source = "azure cloud-init";
  const vmss = only(plan, T.vmss, source);
  const profile = vmss.inputs.virtualMachineProfile as { osProfile?: { customData?: string } };
  const customData = profile.osProfile?.customData;
  if (typeof customData !== "string") throw new ArrangementError(source, "no osProfile.customData");
  const cloudConfig = parseYaml(Buffer.from(customData, "base64").toString("utf8")) as {
    write_files?: { path: string; content: string }[];
  };
  const files = cloudConfig.write_files ?? [];
  const withRun = files.filter((f) => /^\s*docker run\b/m.test(f.content));
  if (withRun.length !== 1) {
    throw new ArrangementError(
      source,
      `expected one write_files entry with docker run; found ${withRun.length}`,
    );
  }
  const script = (withRun[0] as { path: string; content: string }).content;
  // Files the script sources (`. /etc/default/web`) are written by the same cloud-init.
  const sourced = [...script.matchAll(/^\s*(?:\.|source)\s+(\S+)\s*$/gm)].map((m) => {
    const file = files.find((f) => f.path === m[1]);
    if (file === undefined)
      throw new ArrangementError(source, `sources ${m[1]}, which cloud-init does not write`);
    return file.content;
  });
  return dockerRunArrangement("azure", dockerRunArgs(script, sourced.join("\n"), source), source);
}
