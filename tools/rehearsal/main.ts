import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { parseFlags } from "../lib/args";
import { IoWith, printHelp, reportError } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { writeLine } from "../lib/output";
import { ifGiven, parseCloud, parsePositiveInt } from "../lib/parse";
import { groupAlive, portOpen } from "./procs";
import {
  FaultKind,
  faultKinds,
  Rehearsal,
  RehearsalEvent,
  RehearsalStatus,
  startRehearsal,
} from "./rehearsal";

export const usage = `Usage: npm run rehearse -- [options]

Runs the service on 127.0.0.1 the way a cloud runs it: a load balancer (nginx) in front of a
managed group of instances (the image's nginx + app), health-checked, healed and rolled by the
stack's own settings, with the clouds' timings divided by 20. Prints the URL and every change;
runs until Ctrl-C, then stops everything.

Options:
  --stack <name>        the stack whose settings drive it (default: test)
  --cloud <cloud>       behave like aws, gcp or azure's load balancer: retries, idle timeouts,
                        health checks, layer 7 or 4 (default: the stack's cloud; see
                        tools/rehearsal/cloudModes.ts)
  --instances <n>       instances (default: the stack's desiredInstances)
  --version <version>   version to start with (default: the stack's appVersion)
  --port <port>         the load balancer's port (default: a free one)
  -h, --help            show this help

Commands, typed while it runs:
  rollout <version>     roll to <version> with the stack's rolling policy
  bad <version>         roll to <version> as a release whose health check never passes
  kill <id> [signal]    kill an instance (default SIGKILL: its whole process group)
  fault <id> <kind>     hang, slow or unhealthy (see npm run drill -- --help)
  lose <zone>           kill every instance of a zone; nothing is launched there any more
  status                print the status
  quit                  stop everything and leave (as Ctrl-C)`;

/** `signal` (Ctrl-C) stops the rehearsal, and the function resolves. */
export interface RehearseIo extends IoWith<"stdout" | "stderr" | "signal"> {
  /** Commands, one a line; optional. */
  readonly stdin?: Readable;
}

const flagSpec = {
  stack: { type: "string" },
  cloud: { type: "string" },
  instances: { type: "string" },
  version: { type: "string" },
  port: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function eventLine(event: RehearsalEvent): string {
  const who = [event.id, event.version].filter((x) => x !== undefined).join(" ");
  return `[+${seconds(event.atMs).padStart(7)}] ${event.kind.padEnd(19)} ${who}${event.detail === undefined ? "" : `${who === "" ? "" : ": "}${event.detail}`}`;
}

/** The status block: one line for the group, one per instance. */
export function statusLines(status: RehearsalStatus): string[] {
  const rollout =
    status.rollout === undefined
      ? ""
      : `, rolling ${status.rollout.from} → ${status.rollout.to}${status.rollout.halted ? " (halted, rolling back)" : ""}`;
  return [
    `${status.url}  ${status.cloud} mode  target ${status.version}  ${status.inService}/${status.desired} in service${rollout}  (lb generation ${status.lb.generation})`,
    ...status.instances.map(
      (i) =>
        `  ${i.id.padEnd(6)} ${i.version.padEnd(12)} ${i.zone.padEnd(7)} ${i.state.padEnd(9)} ` +
        `${i.inLb ? "in lb " : "      "} port ${i.port ?? "-"}  pid ${i.pid ?? "-"}` +
        (i.faulty ? "  (bad release)" : ""),
    ),
  ];
}

/** The whole CLI, minus process wiring; resolves with the exit code once everything stopped. */
export async function runRehearseCli(argv: readonly string[], io: RehearseIo): Promise<number> {
  let options;
  try {
    const flags = parseFlags(argv, flagSpec);
    if (flags.help === true) return printHelp(io, usage);
    options = {
      stack: flags.stack ?? "test",
      cloud: ifGiven(flags.cloud, parseCloud),
      instances: ifGiven(flags.instances, (text) => parsePositiveInt(text, "instances", 20)),
      version: flags.version,
      lbPort: ifGiven(flags.port, (text) => parsePositiveInt(text, "port", 65535)),
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportError("rehearse", io.stderr, error);
  }

  let rehearsal: Rehearsal | undefined;
  let pending: NodeJS.Timeout | undefined;
  const printStatus = () => {
    if (rehearsal === undefined) return;
    for (const line of statusLines(rehearsal.status())) writeLine(io.stdout, line);
  };
  try {
    rehearsal = await startRehearsal({
      ...options,
      onEvent: (event) => {
        writeLine(io.stdout, eventLine(event));
        // One status block after a burst of events, not one per event.
        clearTimeout(pending);
        pending = setTimeout(printStatus, 300);
      },
    });
  } catch (error) {
    writeLine(io.stderr, `rehearse: could not start: ${String(error)}`);
    return 3;
  }
  const running = rehearsal;
  writeLine(io.stdout, "");
  writeLine(io.stdout, `serving on ${running.url}  (type "help" for commands, Ctrl-C to stop)`);
  printStatus();

  // Ctrl-C (the abort signal) or the quit command.
  let quit: () => void = () => undefined;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  if (io.signal.aborted) quit();
  io.signal.addEventListener("abort", quit, { once: true });

  const lines =
    io.stdin === undefined ? undefined : createInterface({ input: io.stdin, terminal: false });
  lines?.on("line", (line) => {
    const [command, ...args] = line.trim().split(/\s+/);
    const print = (result: unknown) => writeLine(io.stdout, JSON.stringify(result));
    try {
      switch (command) {
        case "":
        case undefined:
          return;
        case "rollout":
        case "bad":
          if (args[0] === undefined) throw new Error(`${command} <version>`);
          void running
            .rollout(args[0], { faulty: command === "bad" })
            .then(print, (error: unknown) => writeLine(io.stderr, `rehearse: ${String(error)}`));
          return;
        case "kill":
          if (args[0] === undefined) throw new Error("kill <id> [signal]");
          print(running.kill(args[0], (args[1] ?? "SIGKILL") as NodeJS.Signals));
          return;
        case "fault":
          if (args[0] === undefined || !(faultKinds as readonly string[]).includes(args[1] ?? "")) {
            throw new Error(`fault <id> <${faultKinds.join("|")}>`);
          }
          print(running.fault(args[0], args[1] as FaultKind));
          return;
        case "lose":
          if (args[0] === undefined) throw new Error("lose <zone>");
          print(running.loseZone(args[0]));
          return;
        case "status":
          printStatus();
          return;
        case "quit":
        case "exit":
          quit();
          return;
        case "help":
          writeLine(io.stdout, usage.slice(usage.indexOf("Commands")));
          return;
        default:
          throw new Error(`unknown command ${JSON.stringify(command)}; type help`);
      }
    } catch (error) {
      writeLine(io.stderr, `rehearse: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  await quitting;
  lines?.close();
  clearTimeout(pending);
  writeLine(io.stdout, "stopping: load balancer first, then every instance");
  const footprint = running.footprint();
  await running.stop();
  clearTimeout(pending);
  const left = footprint.processGroups.filter(groupAlive);
  const open: number[] = [];
  for (const port of footprint.ports) if (await portOpen(port, 200)) open.push(port);
  if (left.length > 0 || open.length > 0) {
    writeLine(
      io.stderr,
      `rehearse: left behind: process groups ${left.join(", ") || "none"}, ports ${open.join(", ") || "none"}`,
    );
    return 1;
  }
  writeLine(
    io.stdout,
    `stopped: ${footprint.processGroups.length} process groups gone, ${footprint.ports.length} ports closed`,
  );
  return 0;
}
