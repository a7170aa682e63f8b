import * as pulumi from "@pulumi/pulumi";
import { Cloud, clouds } from "../components/cloud";
import { defaultRegion, regionConfigKey } from "../stacks/regions";

/** Typed, validated settings of the bootstrap project: the only view of its configuration. */
export interface BootstrapSettings {
  readonly project: string;
  readonly stack: string;
  readonly cloud: Cloud;
  /** `owner/name` of the GitHub repository whose workflows may use the pipeline identities. */
  readonly githubRepository: string;
  /**
   * The repository's numeric id (`gh api repos/<owner>/<name> --jq .id`), which survives renames
   * and is never reused: AWS and GCP trust it rather than the name, which another account can
   * register once this repository is renamed or deleted.
   */
  readonly githubRepositoryId: string;
  /** GitHub environments (and so stacks) the deploy identity may deploy; see `subjects.ts`. */
  readonly environments: readonly string[];
  readonly region: string;
  /**
   * Regions the main program may deploy to with the deploy identity. AWS limits every regional
   * call to them; GCP and Azure have no equivalent IAM condition, so there it is informational.
   */
  readonly workloadRegions: readonly string[];
  /** GCP only: the project that holds the state bucket, the pool and the workload. */
  readonly gcpProject?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Raised for bad configuration; `problems` holds one message per bad key. */
export class BootstrapConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`invalid bootstrap configuration:\n  ${problems.join("\n  ")}`);
    this.name = "BootstrapConfigError";
  }
}

// GitHub's own rules: owner is alphanumerics and single hyphens; repository names add . and _.
const repositoryPattern =
  /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;
// GitHub environment names become part of the OIDC subject; keep them to characters that can
// never be read as a pattern by any cloud's matcher.
const environmentPattern = /^[a-z][a-z0-9-]{0,31}$/;
const gcpProjectPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export const defaultEnvironments = ["test", "prod"] as const;

/**
 * Turns the bootstrap stack's raw configuration (`namespace:key` → string) into settings. Pure:
 * tests call it with plain objects. Region keys are the providers' own (`aws:region`,
 * `gcp:region`, `azure-native:location`), as in the main project.
 */
export function parseBootstrapSettings(
  raw: Readonly<Record<string, string>>,
  project: string,
  stack: string,
): BootstrapSettings {
  const problems: string[] = [];
  const ns = `${project}:`;
  const read = (key: string): string | undefined => {
    const value = raw[key.includes(":") ? key : ns + key];
    return value === undefined || value === "" ? undefined : value;
  };
  const fail = (key: string, expected: string, got: unknown) =>
    problems.push(
      `${key.includes(":") ? key : ns + key}: expected ${expected}; got ${JSON.stringify(got)}`,
    );

  const cloudText = read("cloud");
  let cloud: Cloud = "aws";
  if (!(clouds as readonly string[]).includes(cloudText ?? "")) {
    fail("cloud", `one of ${clouds.join(", ")}`, cloudText ?? null);
  } else {
    cloud = cloudText as Cloud;
  }

  const githubRepository = read("githubRepository") ?? "";
  if (!repositoryPattern.test(githubRepository)) {
    fail(
      "githubRepository",
      "the repository as owner/name, such as acme/ha-web-service (no wildcards)",
      githubRepository || null,
    );
  }

  const githubRepositoryId = read("githubRepositoryId") ?? "";
  if (!/^[1-9][0-9]{0,19}$/.test(githubRepositoryId)) {
    fail(
      "githubRepositoryId",
      "the repository's numeric id, as `gh api repos/<owner>/<name> --jq .id` prints it",
      githubRepositoryId || null,
    );
  }

  /**
   * A JSON list of distinct strings matching `item`, as `pulumi config set --path` writes it.
   * Unset and `[]` (Pulumi.yaml's declared default) both mean "use the default".
   */
  const readList = (key: string, item: RegExp, expected: string): string[] | undefined => {
    const text = read(key);
    if (text === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (Array.isArray(parsed) && parsed.length === 0) return undefined;
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((entry) => typeof entry === "string" && item.test(entry)) ||
      new Set(parsed).size !== parsed.length
    ) {
      fail(key, expected, parsed);
      return undefined;
    }
    return parsed as string[];
  };

  const environments =
    readList(
      "environments",
      environmentPattern,
      'a non-empty list of distinct lower-case environment names, such as ["test", "prod"]',
    ) ?? defaultEnvironments;

  const region = read(regionConfigKey(cloud)) ?? defaultRegion(cloud);
  const workloadRegions = readList(
    "workloadRegions",
    /^[a-z0-9-]+$/,
    'a non-empty list of distinct region names, such as ["us-east-1"]',
  ) ?? [region];

  const gcpProject = read("gcp:project");
  if (cloud === "gcp") {
    if (gcpProject === undefined) {
      fail("gcp:project", "a GCP project id when cloud is gcp", null);
    } else if (!gcpProjectPattern.test(gcpProject)) {
      fail("gcp:project", "a project id: 6-30 lower-case letters, digits or hyphens", gcpProject);
    }
  }

  if (problems.length > 0) {
    throw new BootstrapConfigError(problems);
  }
  return {
    project,
    stack,
    cloud,
    githubRepository,
    githubRepositoryId,
    environments,
    region,
    workloadRegions,
    gcpProject,
    tags: { project: "ha-web-service", component: "pipeline-bootstrap", "managed-by": "pulumi" },
  };
}

/** Reads the running stack's configuration. The only place the bootstrap touches config. */
export function loadBootstrapSettings(): BootstrapSettings {
  return parseBootstrapSettings(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
}
