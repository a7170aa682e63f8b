import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Values a real provider would compute for one resource type; merged over the inputs. */
export type OutputsMock = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;

/** The answer a real provider would give to one invoke. */
export type InvokeMock = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** A resource that exists in the cloud the mocks stand for: its type and output state. */
export interface ExistingResource {
  readonly type: string;
  readonly outputs: Readonly<Record<string, unknown>>;
}

/**
 * Tells an invoke that reads a live resource what exists, just before it answers. The engine
 * tier's recording provider passes the resources it holds for the invoking stack; the offline plan
 * never calls it, so such an invoke answers as on a first deploy.
 */
export type LiveLookup = (
  existing: readonly ExistingResource[],
  inputs: Record<string, unknown>,
) => void;

export interface CloudMocks {
  readonly outputs: Readonly<Record<string, OutputsMock>>;
  readonly invokes: Readonly<Record<string, InvokeMock>>;
  /** The invokes above that read a live resource, by token: how to tell them what exists. */
  readonly liveLookups?: Readonly<Record<string, LiveLookup>>;
  /**
   * The message the provider or cloud refuses a delete with, for the resource's output state; or
   * undefined when the delete goes through. The engine tier's recording provider refuses with it.
   */
  readonly deleteRefusal?: (
    type: string,
    state: Readonly<Record<string, unknown>>,
  ) => string | undefined;
}

/** Identifiers the mocks answer with, so tests can assert documents that embed them. */
export const mockAccount = {
  awsAccountId: "123456789012",
  azureSubscriptionId: "00000000-0000-0000-0000-000000000000",
  azureTenantId: "11111111-1111-1111-1111-111111111111",
  gcpProjectNumber: "123456789012",
} as const;

/**
 * The physical name the mocks give an auto-named resource: `<logical name>-<7 hex>`, as Pulumi's
 * auto-naming does, but derived from the type and name so that plans are reproducible.
 */
export function mockAutoName(type: string, name: string): string {
  return `${name}-${createHash("sha1").update(`${type}::${name}`).digest("hex").slice(0, 7)}`;
}
