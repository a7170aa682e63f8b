/**
 * House rules for Dockerfiles that dockerfile-utils (a syntax validator) does not check.
 * Written by hand because the parser dockerfile-utils uses (dockerfile-ast) is not a direct
 * dependency; the subset needed here is small: logical lines, keywords, arguments.
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
export function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let current: { parts: string[]; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && current === undefined)) return;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    current ??= { parts: [], line: index + 1 };
    if (part !== "") current.parts.push(part);
    if (!continued) {
      const joined = current.parts.join(" ");
      const space = joined.search(/\s/);
      result.push({
        keyword: (space < 0 ? joined : joined.slice(0, space)).toUpperCase(),
        args: space < 0 ? "" : joined.slice(space + 1).trim(),
        line: current.line,
      });
      current = undefined;
    }
  });
  return result;
}

// major.minor.patch somewhere in the tag: 20.20.2-bookworm-slim, 1.27.3-alpine3.20, 12.11.
const exactVersion = /(^|[^0-9.])\d+\.\d+\.\d+($|[^0-9.])/;
const rootUsers = new Set(["root", "0"]);

/** Every rule broken by `text`, one message per problem; empty when it complies. */
export function dockerfileRuleProblems(text: string): string[] {
  const problems: string[] = [];
  const all = instructions(text);
  const stages = new Set<string>();
  let finalStage: Instruction[] = [];

  for (const instruction of all) {
    if (instruction.keyword !== "FROM") {
      finalStage.push(instruction);
      continue;
    }
    finalStage = [];
    const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith("--"));
    const image = words[0] ?? "";
    if (words[1]?.toUpperCase() === "AS" && words[2] !== undefined) {
      stages.add(words[2].toLowerCase());
    }
    const where = `line ${instruction.line}: FROM ${image}`;
    if (stages.has(image.toLowerCase()) && words[2]?.toLowerCase() !== image.toLowerCase())
      continue;
    if (image === "scratch" || image.includes("@sha256:")) continue;
    if (image.includes("$")) {
      problems.push(
        `${where}: uses a variable, so its version cannot be checked; write the image out`,
      );
      continue;
    }
    const slash = image.lastIndexOf("/");
    const colon = image.indexOf(":", slash + 1);
    const tag = colon < 0 ? undefined : image.slice(colon + 1);
    if (tag === undefined) {
      problems.push(
        `${where}: no tag, so it floats with "latest"; pin an exact version such as node:20.20.2-bookworm-slim`,
      );
    } else if (!exactVersion.test(tag)) {
      problems.push(
        `${where}: tag "${tag}" is not an exact version; pin major.minor.patch such as node:20.20.2-bookworm-slim`,
      );
    }
  }

  const users = finalStage.filter((i) => i.keyword === "USER");
  const lastUser = users[users.length - 1];
  if (lastUser === undefined) {
    problems.push("final stage: no USER, so the container runs as root; add USER <uid>:<gid>");
  } else {
    const name = lastUser.args.split(":")[0] ?? "";
    if (rootUsers.has(name)) {
      problems.push(
        `line ${lastUser.line}: USER ${lastUser.args} runs the container as root; use a non-root user`,
      );
    }
  }
  const healthchecks = finalStage.filter((i) => i.keyword === "HEALTHCHECK");
  if (healthchecks.length === 0 || healthchecks.some((i) => i.args.toUpperCase() === "NONE")) {
    problems.push("final stage: no HEALTHCHECK; add one that requests /healthz");
  }
  if (!finalStage.some((i) => i.keyword === "STOPSIGNAL")) {
    problems.push(
      "final stage: no STOPSIGNAL; add STOPSIGNAL SIGTERM so the drain is what stops it",
    );
  }
  return problems;
}
