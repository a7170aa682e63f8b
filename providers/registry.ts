/**
 * The one place a cloud is chosen: one line per cloud, naming its home. The component deploys
 * through it, every tool reaches a cloud through it, and the list of clouds the settings accept
 * is its keys. A home is loaded when first asked for, and loading it loads no cloud SDK (its deploy
 * code is behind `loadDeploy`), so a tool that looks at one cloud pays for that cloud only.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
import type { CloudHome } from "../components/cloudHome";

const homes = {
  aws: () => (require("./aws/home") as { home: CloudHome }).home,
  gcp: () => (require("./gcp/home") as { home: CloudHome }).home,
  azure: () => (require("./azure/home") as { home: CloudHome }).home,
} as const;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The clouds this component can deploy to. */
export type Cloud = keyof typeof homes;

/** The order is the order shown in messages. */
export const clouds = Object.keys(homes) as readonly Cloud[];

/**
 * The home of `cloud`. `purpose` starts the message for a cloud no home exists for, as the caller
 * names the key it read (`cloud`, `diagram`, `cost`).
 */
export function cloudHome(cloud: string, purpose = "cloud"): CloudHome {
  if (!Object.hasOwn(homes, cloud)) {
    throw new Error(
      `${purpose}: expected one of ${clouds.join(", ")}; got ${JSON.stringify(cloud)}`,
    );
  }
  return homes[cloud as Cloud]();
}

/** Every home, in the order of `clouds`; loads all of them (still no SDK). */
export function allCloudHomes(): CloudHome[] {
  return clouds.map((cloud) => cloudHome(cloud));
}
