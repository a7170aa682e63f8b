/**
 * The one place a cloud is chosen: one line per cloud, naming its home. The component deploys
 * through it and every tool reaches a cloud through it. A home is loaded when first asked for, and
 * loading it loads no cloud SDK (its deploy code is behind `loadDeploy`), so a tool that looks at
 * one cloud pays for that cloud only.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
import type { CloudHome } from "../components/cloudHome";
import { Cloud, clouds } from "../components/cloud";

const homes: Readonly<Record<Cloud, () => CloudHome>> = {
  aws: () => (require("./aws/home") as { home: CloudHome }).home,
  gcp: () => (require("./gcp/home") as { home: CloudHome }).home,
  azure: () => (require("./azure/home") as { home: CloudHome }).home,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The home of `cloud`. `purpose` starts the message for a cloud no home exists for, as the caller
 * names the key it read (`cloud`, `diagram`, `cost`).
 */
export function cloudHome(cloud: string, purpose = "cloud"): CloudHome {
  const load = Object.hasOwn(homes, cloud) ? homes[cloud as Cloud] : undefined;
  if (load === undefined) {
    throw new Error(
      `${purpose}: expected one of ${clouds.join(", ")}; got ${JSON.stringify(cloud)}`,
    );
  }
  return load();
}

/** Every home, in the order of `clouds`; loads all of them (still no SDK). */
export function allCloudHomes(): CloudHome[] {
  return clouds.map((cloud) => cloudHome(cloud));
}
