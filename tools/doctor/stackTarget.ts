import { Cloud, clouds } from "../../components/cloud";
import { defaultRegion, regionConfigKey } from "../../stacks/regions";
import { configSchema } from "../../stacks/schema";
import {
  configValue,
  FileReader,
  qualify,
  readProject,
  readStackFile,
} from "../../stacks/stackFile";

export type { FileReader } from "../../stacks/stackFile";

/** What the doctor and the pipeline need to know about a stack before touching any cloud. */
export interface StackTarget {
  readonly stack: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly appVersion?: string;
  readonly gcpProject?: string;
  /** How the stack encrypts secrets: its own `secretsprovider:` URL, a passphrase, or none yet. */
  readonly secrets: "passphrase" | "cloud-kms" | "none";
}

/**
 * The stack's cloud, region, version and secrets provider, from `Pulumi.<stack>.yaml` and
 * `Pulumi.yaml`'s defaults (stacks/stackFile.ts). Throws with the key and value when the stack file
 * is unusable.
 */
export function readStackTarget(readFile: FileReader, stack: string): StackTarget {
  const file = readStackFile(readFile, stack);
  const project = readProject(readFile);
  const value = (key: string): string | undefined => {
    const chosen = configValue(project, file, key);
    return chosen === undefined || chosen === null ? undefined : String(chosen);
  };
  const cloudText = value("cloud") ?? configSchema.cloud.default;
  if (!(clouds as readonly string[]).includes(cloudText)) {
    throw new Error(
      `${qualify(project, "cloud")} in ${file.path}: expected one of ${clouds.join(", ")}; got ${JSON.stringify(cloudText)}`,
    );
  }
  const cloud = cloudText as Cloud;
  const secretsProvider = file.secretsprovider ?? "";
  return {
    stack,
    cloud,
    region: value(regionConfigKey(cloud)) ?? defaultRegion(cloud),
    appVersion: value("appVersion"),
    gcpProject: value("gcp:project"),
    secrets: /^(awskms|gcpkms|azurekeyvault|hashivault):\/\//.test(secretsProvider)
      ? "cloud-kms"
      : file.encryptionsalt !== undefined || secretsProvider === "passphrase"
        ? "passphrase"
        : "none",
  };
}

/** `key=value` lines in the format GitHub Actions reads from `$GITHUB_OUTPUT`. */
export function toGithubOutput(target: StackTarget): string {
  const lines = [
    `cloud=${target.cloud}`,
    `region=${target.region}`,
    `app_version=${target.appVersion ?? ""}`,
    `gcp_project=${target.gcpProject ?? ""}`,
  ];
  return `${lines.join("\n")}\n`;
}
