import { parse } from "yaml";
import { Cloud, clouds } from "../../components/cloud";
import { defaultRegion, regionConfigKey } from "../../stacks/regions";

/** Reads a project file by path relative to the project root; undefined when it does not exist. */
export type FileReader = (path: string) => string | undefined;

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

const project = "ha-web-service";

/**
 * Reads `Pulumi.<stack>.yaml` (and `Pulumi.yaml`'s defaults) the way the CLI merges them, without
 * the CLI: the pipeline needs the cloud before it can log in anywhere, and the doctor must work
 * when the CLI is missing. Throws with the key and value when the stack file is unusable.
 */
export function readStackTarget(readFile: FileReader, stack: string): StackTarget {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new Error(`stack: expected a stack name such as test; got ${JSON.stringify(stack)}`);
  }
  const text = readFile(`Pulumi.${stack}.yaml`);
  if (text === undefined) {
    throw new Error(
      `stack: no Pulumi.${stack}.yaml in the project; create it with pulumi stack init ${stack}`,
    );
  }
  const file = (parse(text) ?? {}) as {
    config?: Record<string, unknown>;
    encryptionsalt?: string;
    secretsprovider?: string;
  };
  const projectFile = (parse(readFile("Pulumi.yaml") ?? "") ?? {}) as {
    config?: Record<string, { default?: unknown }>;
  };
  const config = file.config ?? {};
  const value = (key: string): string | undefined => {
    const own = config[key.includes(":") ? key : `${project}:${key}`];
    const fallback = key.includes(":") ? undefined : projectFile.config?.[key]?.default;
    const chosen = own ?? fallback;
    return chosen === undefined || chosen === null ? undefined : String(chosen);
  };
  const cloudText = value("cloud") ?? "aws";
  if (!(clouds as readonly string[]).includes(cloudText)) {
    throw new Error(
      `${project}:cloud in Pulumi.${stack}.yaml: expected one of ${clouds.join(", ")}; got ${JSON.stringify(cloudText)}`,
    );
  }
  const cloud = cloudText as Cloud;
  const secretsProvider = file.secretsprovider ?? "";
  return {
    stack,
    cloud,
    region: value(regionConfigKey[cloud]) ?? defaultRegion[cloud],
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
