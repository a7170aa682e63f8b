import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** One resource as the recorded cloud holds it. */
export interface LiveResource {
  readonly type: string;
  readonly urn: string;
  readonly id: string;
  readonly outputs: Record<string, unknown>;
}

/** One call the engine made to a recording provider, as the tests read it back. */
export interface RecordedCall {
  readonly at: number;
  readonly pid: number;
  readonly op: "create" | "update" | "delete" | "delete-refused" | "read" | "invoke" | "construct";
  readonly type: string;
  readonly urn: string;
  readonly id?: string;
  /** What the engine sent: the inputs of a create or update, the state of a delete. */
  readonly sent?: Record<string, unknown>;
  /** For an update, the state the engine had before. */
  readonly olds?: Record<string, unknown>;
}

/**
 * The stand-in for a cloud account, shared by every recording provider process of a run: the live
 * resources (one JSON file each, so a test can change one "in the cloud") and a log of every call,
 * one file per process so that concurrent writers never interleave. The folder is HA_ENGINE_CLOUD,
 * else `cloud/` beside PULUMI_HOME.
 * A resource is keyed by its URN and id, not its id alone: the mocks give `test` and `prod` the
 * same ids, and the two stacks stand for two accounts, where one's resources are not the other's.
 */
export class RecordedCloud {
  constructor(readonly dir: string = defaultCloudDir()) {}

  private file(urn: string, id: string): string {
    const key = sha1(`${urn}\n${id}`).slice(0, 16);
    return path.join(this.dir, "resources", `${key}.json`);
  }

  get(urn: string, id: string): LiveResource | undefined {
    const file = this.file(urn, id);
    return fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, "utf8")) as LiveResource)
      : undefined;
  }

  put(resource: LiveResource): void {
    const file = this.file(resource.urn, resource.id);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(resource, null, 1));
    fs.renameSync(`${file}.${process.pid}`, file);
  }

  remove(urn: string, id: string): void {
    fs.rmSync(this.file(urn, id), { force: true });
  }

  /**
   * How many times a resource with this URN has been created, this one included: a replacement is
   * a second physical resource, which the cloud gives new identifiers.
   */
  nextGeneration(urn: string): number {
    const file = path.join(this.dir, "generations", sha1(urn));
    const generation = fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8")) + 1 : 1;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, String(generation));
    return generation;
  }

  /** Every live resource, for tests that change one as the cloud would. */
  list(): LiveResource[] {
    return this.read("resources", ".json").map((text) => JSON.parse(text) as LiveResource);
  }

  record(call: Omit<RecordedCall, "at" | "pid">): void {
    const dir = path.join(this.dir, "calls");
    fs.mkdirSync(dir, { recursive: true });
    const line = JSON.stringify({ at: Date.now(), pid: process.pid, ...call });
    fs.appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${line}\n`);
  }

  /** Every recorded call, oldest first. */
  calls(): RecordedCall[] {
    return this.read("calls", ".jsonl")
      .flatMap((text) => text.split("\n").filter(Boolean))
      .map((line) => JSON.parse(line) as RecordedCall)
      .sort((a, b) => a.at - b.at);
  }

  /** The files of a subfolder ending in `suffix` (not the ones being written), read. */
  private read(folder: string, suffix: string): string[] {
    const dir = path.join(this.dir, folder);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
  }

  /** Forgets the calls (not the resources), so a test can look at one command's calls alone. */
  clearCalls(): void {
    fs.rmSync(path.join(this.dir, "calls"), { recursive: true, force: true });
  }
}

function defaultCloudDir(): string {
  if (process.env.HA_ENGINE_CLOUD) return process.env.HA_ENGINE_CLOUD;
  const home = process.env.PULUMI_HOME ?? path.resolve(".engine", "home");
  return path.join(path.dirname(home), "cloud");
}
