import * as pulumi from "@pulumi/pulumi";
import { allCloudHomes } from "../../providers/registry";
import { CloudMocks, mockAutoName } from "./mocks/types";

export { mockAutoName };

/** One registered resource, as the plan and the tests see it. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent, or null at the top. */
  readonly parent: string | null;
  /** The inputs the program passed, secrets masked. */
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** `type::name` of the explicit provider, if any. */
  readonly provider: string | null;
}

export interface PlannedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

let mocksOfHomes: readonly CloudMocks[] | undefined;
/** Every cloud's mocks (`providers/<cloud>/mocks.ts`), read when the first resource registers. */
const allMocks = (): readonly CloudMocks[] =>
  (mocksOfHomes ??= allCloudHomes().map((home) => home.mocks));
const secretSig = "4dabf18193072939515e22adb298388d";

/**
 * Pulumi mocks that record every registration with its parent, answer invokes from each cloud's
 * table (`providers/<cloud>/mocks.ts`), and refuse any invoke they do not know: a silently empty answer would let the
 * plan show something no real preview would.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: PlannedResource[] = [];
  readonly invokes: PlannedInvoke[] = [];
  readonly errors: string[] = [];
  /** Set by the monitor hook for the registration in progress; see `hookMonitor`. */
  private currentParent: string | null = null;

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const parent = this.currentParent;
    this.currentParent = null;
    this.resources.push({
      type: args.type,
      name: args.name,
      parent,
      inputs: maskSecrets(args.inputs) as Record<string, unknown>,
      custom: args.custom ?? true,
      provider: args.provider ? providerLabel(args.provider) : null,
    });
    let computed: Record<string, unknown> = {};
    for (const mocks of allMocks()) {
      const outputs = mocks.outputs[args.type];
      if (outputs) computed = outputs(args);
    }
    return {
      // A mock table may give the id the real provider would (ARM ids on Azure).
      id:
        args.custom === false
          ? undefined
          : ((computed.id as string | undefined) ?? `${args.name}-id`),
      state: { name: mockAutoName(args.type, args.name), ...args.inputs, ...computed },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    this.invokes.push({ token: args.token, inputs: args.inputs });
    for (const mocks of allMocks()) {
      const invoke = mocks.invokes[args.token];
      if (invoke) return invoke(args.inputs);
    }
    const message = `no mock for invoke ${args.token}; add one to providers/<cloud>/mocks.ts`;
    this.errors.push(message);
    throw new Error(message);
  }

  /**
   * Mocks are not told a resource's parent, but the mock monitor's `registerResource` request
   * carries it, and calls `newResource` synchronously before its first await. Wrapping it lets us
   * hand the parent to `newResource` without relying on anything else internal.
   */
  hookMonitor(): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource(req: { getParent(): string }, callback: unknown): unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      this.currentParent = req.getParent() ? urnLabel(req.getParent()) : null;
      return original(req, callback);
    };
  }
}

/** `urn:pulumi:stack::project::a$b$type::name` → `type::name`. */
export function urnLabel(urn: string): string {
  const parts = urn.split("::");
  const type = parts[2].split("$").pop() ?? parts[2];
  return `${type}::${parts.slice(3).join("::")}`;
}

function providerLabel(reference: string): string {
  // A provider reference is `<urn>::<id>`.
  const urn = reference.slice(0, reference.lastIndexOf("::"));
  return urnLabel(urn);
}

function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[secretSig] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}
