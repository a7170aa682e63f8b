import * as pulumi from "@pulumi/pulumi";
import { allCloudHomes } from "../../../providers/registry";
import { LiveLookup } from "../../plan/mocks/types";
import { RecordingMocks } from "../../plan/recorder";
import { parseUrn } from "../steps";
import { constructAwsx } from "./awsx";
import { RecordedCloud } from "./cloud";
import { diffInputs, InputDiff, refreshedInputs } from "./diff";

type Props = Record<string, unknown>;

/**
 * Invokes that read a live resource (each home's `mocks.liveLookups`), by token. The mocks answer
 * them from what they are told exists: here, the recorded cloud.
 */
const liveLookups: Readonly<Record<string, LiveLookup>> = Object.assign(
  {},
  ...allCloudHomes().map((home) => home.mocks.liveLookups ?? {}),
);

/**
 * Deletes the real provider or cloud refuses, with their message (each home's
 * `mocks.deleteRefusal`: an ALB with deletion protection on, a Google resource whose
 * `deletionPolicy` is PREVENT). The refusal comes when the engine reaches that resource, after
 * what it deleted first: that is what `protect` avoids.
 */
export function deleteRefusal(type: string, state: Props): string | undefined {
  for (const home of allCloudHomes()) {
    const refusal = home.mocks.deleteRefusal?.(type, state);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * A provider that answers the engine as a real one would, without a cloud: `create` and `read`
 * compute outputs with the very code the offline plan's mocks use (tools/plan/recorder.ts and the
 * per-cloud tables in providers/<cloud>/mocks.ts), the live resources sit in a RecordedCloud, and every
 * create, update and delete is recorded with what the engine sent.
 */
export class RecordingProvider implements pulumi.provider.Provider {
  private readonly mocks = new RecordingMocks();
  /** `<urn>::<id>` of this provider instance, as a mock sees an explicit provider. */
  private providerReference: string | undefined;
  /** The stack this provider instance serves, from the URN the engine configures it with. */
  private stack = "";

  constructor(
    readonly pkg: string,
    readonly version: string,
    readonly cloud: RecordedCloud = new RecordedCloud(),
  ) {}

  /**
   * The engine configures each provider instance with its inputs (project, region, ...). The mocks
   * learn an explicit provider's inputs when it registers, so it is registered with them here.
   */
  configure(urn: string | undefined, args: Props): void {
    const name = urn ? parseUrn(urn).name : "default";
    this.stack = urn?.split("::")[0].replace(/^urn:pulumi:/, "") ?? "";
    this.mocks.newResource({
      type: `pulumi:providers:${this.pkg}`,
      name,
      inputs: args,
      custom: true,
    });
    this.providerReference = `${urn ?? `urn:pulumi:s::p::pulumi:providers:${this.pkg}::${name}`}::configured`;
  }

  async check(_urn: string, _olds: Props, news: Props): Promise<pulumi.provider.CheckResult> {
    return { inputs: news };
  }

  /** The diff, with the old inputs the engine sends besides the old state. */
  diffWithInputs(urn: string, oldInputs: Props, news: Props): InputDiff {
    return diffInputs(parseUrn(urn).type, oldInputs, news);
  }

  /**
   * A preview of a create: the inputs, with nothing computed, so what depends on a new resource's
   * identifiers previews as unknown, as a bridged provider's planned state leaves it.
   */
  previewCreate(inputs: Props): Props {
    return inputs;
  }

  /**
   * The state after an update, and so its preview, computed without touching the cloud: the
   * mocks' answer for the new inputs, with the computed values the resource already has (its
   * identifiers) kept, since an update does not make a new resource.
   */
  updatedState(urn: string, olds: Props, news: Props): Props {
    const { type, name } = parseUrn(urn);
    const state = this.compute(type, name, news).state;
    for (const key of Object.keys(state)) {
      if (!(key in news) && key in olds) state[key] = olds[key];
    }
    return state;
  }

  async create(urn: string, inputs: Props): Promise<pulumi.provider.CreateResult> {
    const { type, name } = parseUrn(urn);
    const computed = this.compute(type, name, inputs);
    // The mocks answer the same for the same inputs; a replacement is a new physical resource, so
    // its id and computed identifiers (a template's name and self link, an ARN) are made new.
    const generation = this.cloud.nextGeneration(urn);
    const renew = (value: unknown) => (generation > 1 ? `${value}-${generation}` : value);
    const id = renew(computed.id) as string;
    const state = Object.fromEntries(
      Object.entries(computed.state).map(([k, v]) => [
        k,
        typeof v === "string" && !(k in inputs) ? renew(v) : v,
      ]),
    );
    this.cloud.put({ type, urn, id, outputs: state });
    this.cloud.record({ op: "create", type, urn, id, sent: inputs });
    return { id, outs: state };
  }

  /**
   * What the cloud holds now: the live state, and the inputs refreshed from it. A resource gone
   * from the cloud reads as an empty id, which tells the engine it was deleted.
   */
  readWithInputs(
    id: string,
    urn: string,
    state: Props,
    inputs: Props | undefined,
  ): { id: string; props?: Props; inputs?: Props } {
    const { type } = parseUrn(urn);
    this.cloud.record({ op: "read", type, urn, id });
    const live = this.cloud.get(urn, id);
    if (!live) return { id: "" };
    return {
      id,
      props: live.outputs,
      inputs: inputs ? refreshedInputs(inputs, state, live.outputs) : undefined,
    };
  }

  async update(
    id: string,
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<pulumi.provider.UpdateResult> {
    const { type } = parseUrn(urn);
    const state = this.updatedState(urn, olds, news);
    this.cloud.put({ type, urn, id, outputs: state });
    this.cloud.record({ op: "update", type, urn, id, sent: news, olds });
    return { outs: state };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const { type } = parseUrn(urn);
    const refusal = deleteRefusal(type, props);
    if (refusal) {
      this.cloud.record({ op: "delete-refused", type, urn, id, sent: props });
      throw new Error(refusal);
    }
    this.cloud.remove(urn, id);
    this.cloud.record({ op: "delete", type, urn, id, sent: props });
  }

  /** awsx's component, built from its children as awsx builds it (awsx.ts). */
  construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<pulumi.provider.ConstructResult> {
    return constructAwsx(this.cloud, name, type, inputs, options);
  }

  async invoke(token: string, inputs: Props): Promise<pulumi.provider.InvokeResult> {
    this.cloud.record({ op: "invoke", type: token, urn: "", sent: inputs });
    // Only the invoking stack's resources count: each stack stands for its own account.
    const ofStack = (urn: string) =>
      this.stack === "" || urn.startsWith(`urn:pulumi:${this.stack}::`);
    liveLookups[token]?.(
      this.cloud.list().filter((r) => ofStack(r.urn)),
      inputs,
    );
    return { outputs: this.mocks.call({ token, inputs, provider: this.providerReference }) };
  }

  /** The plan's mock answer for this resource: its id and output state. */
  private compute(type: string, name: string, inputs: Props): { id: string; state: Props } {
    const result = this.mocks.newResource({
      type,
      name,
      inputs,
      provider: this.providerReference,
      custom: true,
    });
    return { id: result.id ?? `${name}-id`, state: result.state as Props };
  }
}
