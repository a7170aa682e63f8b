// The @pulumi/gcp submodules this project uses, one by one: the package root's declarations
// reference every Google service (about 2,100 files), and the type-check and type-aware lint would
// load them all (see scripts/static-checks.ts). Imported as `gcp`, so code reads `gcp.compute.X`
// as with the root. providers/azure imports @pulumi/azure-native's submodules for the same reason.
export * as artifactregistry from "@pulumi/gcp/artifactregistry";
export * as compute from "@pulumi/gcp/compute";
export * as iam from "@pulumi/gcp/iam";
export * as kms from "@pulumi/gcp/kms";
export * as logging from "@pulumi/gcp/logging";
export * as monitoring from "@pulumi/gcp/monitoring";
export * as projects from "@pulumi/gcp/projects";
export * as serviceaccount from "@pulumi/gcp/serviceaccount";
export * as storage from "@pulumi/gcp/storage";
export { Provider } from "@pulumi/gcp/provider";
