/**
 * The cloud CLI commands the docs tell an engineer to run: every simple command of every `sh`
 * block in the README, the drill guide and the runbooks, including those inside `$( … )`.
 * Shared by the table check (tests/docs/cliCommands.test.ts) and the real-CLI check (tests/clis).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { commandsOf, fencedBlocks, repoRoot } from "./markdown";
import { simpleCommands } from "./shellWords";

export interface DocumentedCommand {
  /** `file:line` of the command. */
  readonly where: string;
  readonly words: readonly string[];
}

export function documentedCommands(): DocumentedCommand[] {
  const files = [
    "README.md",
    "docs/drills.md",
    ...readdirSync(join(repoRoot, "docs", "runbooks"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/runbooks/${f}`),
  ];
  return files.flatMap((file) =>
    fencedBlocks(file)
      .filter((block) => block.language === "sh")
      .flatMap((block) => commandsOf(block))
      .flatMap(({ command, line }) =>
        simpleCommands(command).map(({ words }) => ({ where: `${file}:${line}`, words })),
      ),
  );
}
