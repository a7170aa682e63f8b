/**
 * GCP's rules that need no SDK, in the form of the component's (`ServiceRule`): the component
 * checks them all, the settings those a stack key sets.
 */
import type { ServiceRule } from "../../components/validation";

// 6 to 30 lower-case letters, digits or hyphens, starting with a letter and not ending with a
// hyphen: https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
const projectPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// Region names look like us-central1; a zone is its region's name and a letter (us-central1-a):
// https://cloud.google.com/compute/docs/regions-zones
const regionPattern = /^[a-z]+-[a-z]+\d+$/;

export const gcpRules: readonly ServiceRule[] = [
  {
    fields: ["gcpProject"],
    keys: ["gcp:project"],
    value: (args) => args.gcpProject,
    check: (project) => typeof project === "string" && projectPattern.test(project),
    expected: () =>
      "a GCP project id when cloud is gcp, 6-30 lower-case letters, digits or hyphens (pulumi config set gcp:project <id>)",
    shown: (project) => (project === undefined ? "nothing" : JSON.stringify(project)),
  },
  // The settings take region and zones from providers/gcp/regions.ts; a component given its args
  // directly is held to the same shape.
  {
    fields: ["region"],
    value: (args) => args.region,
    check: (region) => regionPattern.test(region as string),
    expected: () => "a GCP region such as us-central1",
  },
  {
    fields: ["zones"],
    // Zones outside the region; judged only once the region is one.
    value: (args) => args.zones.filter((zone) => !new RegExp(`^${args.region}-[a-z]$`).test(zone)),
    check: (foreign, args) =>
      !regionPattern.test(args.region) || (foreign as string[]).length === 0,
    expected: (args) => `zones of ${args.region} such as ${args.region}-a`,
    shown: (foreign) => (foreign as string[]).map((zone) => JSON.stringify(zone)).join(", "),
  },
];
