/** GCP's rules on the settings, checked by the settings and the component alike (`ServiceRule`). */
import type { ServiceRule } from "../../components/validation";

// 6 to 30 lower-case letters, digits or hyphens, starting with a letter and not ending with a
// hyphen: https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
const projectPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

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
];
