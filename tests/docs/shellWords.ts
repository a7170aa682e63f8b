/**
 * Splits a documented shell command into the simple commands it runs, with their words, so the
 * runbook test can check every `aws`, `gcloud` and `az` call, including those inside `$( … )`.
 *
 * Written by hand rather than taken from a shell parser: the runbooks use a small subset of the
 * shell (quotes, `$( … )`, pipes, `&&`, `||`, `;`, assignments, comments), the full parsers on
 * npm are WASM builds of mvdan/sh or unmaintained, and what matters here is only the words.
 * Anything this splitter does not understand (backquotes, here-documents, subshell groups) is
 * refused with an error, so a runbook cannot slip a command past the check.
 */

export interface SimpleCommand {
  /** Words after quote removal; a `$( … )` or `$VAR` inside a word is kept as written. */
  readonly words: readonly string[];
}

/** Every simple command in `line`, outer ones first, then those inside command substitutions. */
export function simpleCommands(line: string): SimpleCommand[] {
  const found: SimpleCommand[] = [];
  const nested: string[] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    // Leading assignments (`x="$(…)"`) are not the command; a line of only assignments runs none.
    const firstCommand = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    if (firstCommand >= 0) found.push({ words: words.slice(firstCommand) });
    words = [];
  };
  /** Reads `$( … )` starting at `start` (the `$`); returns the inner text and the index after `)`. */
  const substitution = (start: number): [string, number] => {
    let depth = 0;
    let quote: string | undefined;
    for (let i = start + 1; i < line.length; i += 1) {
      const c = line[i];
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
        else if (c === "\\" && quote === '"') i += 1;
        continue;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === "(") depth += 1;
      else if (c === ")") {
        depth -= 1;
        if (depth === 0) return [line.slice(start + 2, i), i + 1];
      }
    }
    throw new Error(`unclosed $( in: ${line}`);
  };

  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "`" || line.startsWith("<<", i)) {
      throw new Error(
        `backquotes and here-documents are not supported in runbook commands: ${line}`,
      );
    }
    if (c === "#" && word === undefined) break; // a comment runs to the end of the line
    if (c === " " || c === "\t") {
      endWord();
      i += 1;
    } else if (c === "|" || c === ";" || c === "&") {
      endCommand();
      i += line[i + 1] === c ? 2 : 1;
    } else if (c === "(" || c === ")") {
      throw new Error(`subshell groups are not supported in runbook commands: ${line}`);
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let text = "";
      i += 1;
      while (i < line.length && line[i] !== '"') {
        if (line.startsWith("$(", i)) {
          const [inner, next] = substitution(i);
          nested.push(inner);
          text += line.slice(i, next);
          i = next;
        } else if (line[i] === "\\" && i + 1 < line.length) {
          text += line[i + 1];
          i += 2;
        } else {
          text += line[i];
          i += 1;
        }
      }
      if (i >= line.length) throw new Error(`unclosed " in: ${line}`);
      word = (word ?? "") + text;
      i += 1;
    } else if (line.startsWith("$(", i)) {
      const [inner, next] = substitution(i);
      nested.push(inner);
      word = (word ?? "") + line.slice(i, next);
      i = next;
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[i + 1];
      i += 2;
    } else {
      word = (word ?? "") + c;
      i += 1;
    }
  }
  endCommand();
  return [...found, ...nested.flatMap(simpleCommands)];
}
