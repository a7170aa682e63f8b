import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";

/**
 * The APIs the stack calls, by the short name used in child names. A new project has none of
 * them enabled; Service Usage itself must already be on (it is on every project created through
 * the console or `gcloud projects create`).
 */
export function requiredApis(args: Pick<ResolvedServiceArgs, "gcpAllowIapSsh">): string[] {
  return [
    "compute",
    // Service accounts are IAM resources; project IAM members go through Resource Manager.
    "iam",
    "cloudresourcemanager",
    "artifactregistry",
    "logging",
    "monitoring",
    // IAP TCP forwarding carries the SSH session; OS Login (enable-oslogin) authorises it.
    ...(args.gcpAllowIapSsh ? ["iap", "oslogin"] : []),
  ];
}

/**
 * Enables each API. `disableOnDestroy: false` because an API is a project-wide switch: destroying
 * this stack must not turn Compute Engine off for whatever else lives in the project.
 */
export function enableApis(
  name: string,
  args: ResolvedServiceArgs,
  project: string,
  opts: pulumi.CustomResourceOptions,
): gcp.projects.Service[] {
  return requiredApis(args).map(
    (api) =>
      new gcp.projects.Service(
        `${name}-api-${api}`,
        { project, service: `${api}.googleapis.com`, disableOnDestroy: false },
        opts,
      ),
  );
}
