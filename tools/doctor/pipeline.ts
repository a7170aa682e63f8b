import { readFileSync } from "node:fs";
import { join } from "node:path";
import { registryFromState, registryUrnFromPreview } from "./registry";
import { readStackTarget, toGithubOutput } from "./stackTarget";

const usage = `Usage: tsx tools/doctor/pipeline.ts <command>

Small helpers the delivery pipeline runs; each prints key=value lines for $GITHUB_OUTPUT.

  target <stack>      the stack's cloud, region, appVersion and GCP project, from its stack file
  registry-state      reads \`pulumi stack export\` on stdin: repository=, host=, urn= of the
                      stack's image registry, or nothing before the first deploy
  registry-preview    reads \`pulumi preview --json\` on stdin: urn= of the registry to create`;

/**
 * Shares the stack-file reading with the doctor so the pipeline and a developer's machine agree
 * on which cloud a stack uses.
 */
function main(argv: string[]): number {
  const [command, argument] = argv;
  const root = join(__dirname, "..", "..");
  const stdin = () => JSON.parse(readFileSync(0, "utf8")) as unknown;
  switch (command) {
    case "target": {
      const readFile = (path: string) => {
        try {
          return readFileSync(join(root, path), "utf8");
        } catch {
          return undefined;
        }
      };
      process.stdout.write(toGithubOutput(readStackTarget(readFile, argument ?? "")));
      return 0;
    }
    case "registry-state": {
      const found = registryFromState(stdin());
      if (found)
        process.stdout.write(
          `repository=${found.repository}\nhost=${found.host}\nurn=${found.urn}\n`,
        );
      return 0;
    }
    case "registry-preview": {
      const urn = registryUrnFromPreview(stdin());
      if (urn === undefined) {
        process.stderr.write("registry: the preview creates no image registry for the service\n");
        return 1;
      }
      process.stdout.write(`urn=${urn}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return 2;
  }
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`pipeline: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
