import * as fs from "node:fs";
import * as path from "node:path";

/** A resource plugin a program needs: `pulumi-resource-<name>` at `version` (no leading v). */
export interface PluginPackage {
  readonly name: string;
  readonly version: string;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly pulumi?: {
    readonly resource?: boolean;
    readonly name?: string;
    readonly version?: string;
  };
}

/**
 * Every resource plugin the packages under `dir/node_modules` declare, found as the real Node
 * language host finds them: a deep walk of node_modules for package.json files with
 * `"pulumi": {"resource": true}`, the name from `pulumi.name` or the `@pulumi/` package name and
 * the version from `pulumi.version` or the package version, skipping nested policy packs. Nested
 * copies count (awsx brings two docker SDKs), and the engine insists that each one is installed
 * before it runs the program.
 * Upstream: pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go (getPackagesFromDir,
 * getPluginName, getPluginVersion).
 */
export function requiredPlugins(dir: string): PluginPackage[] {
  const found = new Map<string, PluginPackage>();
  const visited = new Set<string>();
  const walk = (current: string, inNodeModules: boolean): void => {
    const real = fs.realpathSync(current);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of fs.readdirSync(real, { withFileTypes: true })) {
      const full = path.join(real, entry.name);
      const isDir = entry.isSymbolicLink()
        ? fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()
        : entry.isDirectory();
      if (isDir === true) {
        // A nested policy pack's plugins are not the program's, so the host does not descend.
        if (fs.existsSync(path.join(full, "PulumiPolicy.yaml"))) continue;
        walk(full, inNodeModules || path.basename(real) === "node_modules");
      } else if (inNodeModules && entry.name === "package.json") {
        const plugin = pluginOf(JSON.parse(fs.readFileSync(full, "utf8")) as PackageJson);
        if (plugin) found.set(`${plugin.name}@${plugin.version}`, plugin);
      }
    }
  };
  walk(dir, false);
  return [...found.values()].sort((a, b) =>
    `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`),
  );
}

function pluginOf(pkg: PackageJson): PluginPackage | undefined {
  if (!pkg.pulumi?.resource) return undefined;
  const name = pkg.pulumi.name ?? pkg.name?.replace(/^@pulumi\//, "");
  const version = pkg.pulumi.version ?? pkg.version;
  if (!name || !version) return undefined;
  return { name, version: version.replace(/^v/, "") };
}
