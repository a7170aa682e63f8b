/**
 * Tags (AWS, Azure) and labels (GCP) that say whose a resource is and which stack made it, so cost
 * reports and incident responders can find the owner.
 */
import { ResourceValidationArgs } from "@pulumi/policy";
import { asObject, forTypes, jsonDocument, Props, resourcePolicy } from "./lib";
import { azureTaggable, gcp } from "./types";

/** The keys every stack file of this project sets; `project`, `stack`, `managed-by` are automatic. */
export const defaultRequiredTags = ["environment", "owner", "project", "stack", "managed-by"];

/** A string map given as an object or as JSON text (how provider inputs arrive). */
function stringMap(value: unknown): Record<string, string> {
  const record = asObject(jsonDocument(value)) ?? {};
  return Object.fromEntries(
    Object.entries(record).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

/** `defaultTags: {tags: {...}}` on an AWS provider. */
function awsDefaultTags(providerProps: Props | undefined): Record<string, string> {
  const defaults = asObject(jsonDocument(providerProps?.defaultTags));
  return stringMap(defaults?.tags);
}

function gcpDefaultLabels(providerProps: Props | undefined): Record<string, string> {
  return stringMap(providerProps?.defaultLabels);
}

function missing(tags: Record<string, string>, required: readonly string[]): string[] {
  return required.filter((key) => (tags[key] ?? "") === "");
}

interface TagConfig {
  requiredKeys?: string[];
}

const required = (args: ResourceValidationArgs) =>
  args.getConfig<TagConfig>().requiredKeys ?? defaultRequiredTags;

/** GCP monitoring resources take `userLabels`, which the provider's `defaultLabels` do not reach. */
const gcpUserLabelled: readonly string[] = [gcp.alert, gcp.uptime, gcp.channel];

export const tagsPresent = resourcePolicy(
  {
    name: "tags-present",
    description:
      "Resources carry the required tags or labels: through the AWS provider's defaultTags, the GCP provider's defaultLabels (and userLabels where those do not apply), and each Azure resource's own tags.",
    enforcementLevel: "mandatory",
    severity: "low",
    configSchema: {
      properties: {
        requiredKeys: { type: "array", items: { type: "string" }, default: defaultRequiredTags },
      },
    },
  },
  {
    "pulumi:providers:aws": (props, report, args) => {
      const absent = missing(awsDefaultTags(props), required(args));
      if (absent.length > 0) {
        report(`defaultTags lacks ${absent.join(", ")}; every resource of this provider would too`);
      }
    },
    "pulumi:providers:gcp": (props, report, args) => {
      const absent = missing(gcpDefaultLabels(props), required(args));
      if (absent.length > 0) {
        report(
          `defaultLabels lacks ${absent.join(", ")}; every resource of this provider would too`,
        );
      }
    },
    ...forTypes(gcpUserLabelled, (props, report, args) => {
      const absent = missing(stringMap(props.userLabels), required(args));
      if (absent.length > 0) report(`userLabels lacks ${absent.join(", ")}`);
    }),
    ...forTypes(azureTaggable, (props, report, args) => {
      const absent = missing(stringMap(props.tags), required(args));
      if (absent.length > 0) report(`tags lacks ${absent.join(", ")}`);
    }),
  },
  [
    // A resource that sets its own tags or labels overrides the provider's per key: check the
    // merge, so that an empty value cannot blank out a required key.
    [
      /^aws:/,
      (props, report, args) => {
        if (props.tags === undefined) return;
        const merged = { ...awsDefaultTags(args.provider?.props), ...stringMap(props.tags) };
        const absent = missing(merged, required(args));
        if (absent.length > 0)
          report(`tags (with the provider's defaultTags) lack ${absent.join(", ")}`);
      },
    ],
    [
      /^gcp:/,
      (props, report, args) => {
        if (props.labels === undefined) return;
        const merged = { ...gcpDefaultLabels(args.provider?.props), ...stringMap(props.labels) };
        const absent = missing(merged, required(args));
        if (absent.length > 0) {
          report(`labels (with the provider's defaultLabels) lack ${absent.join(", ")}`);
        }
      },
    ],
  ],
);

export const tagPolicies = [tagsPresent];
