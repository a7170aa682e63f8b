/**
 * What the service exposes to the internet, judged for the stack as a whole.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asObject, asString, at, jsonDocument } from "./lib";
import { aws, gcp } from "./types";

/** The stack's name as its resources are tagged (`stack`), by the provider defaults or tags. */
function stackNameOf(resources: readonly PolicyResource[]): string | undefined {
  for (const resource of resources) {
    const props = resource.props;
    const candidates = [
      at(jsonDocument(props.defaultTags), "tags", "stack"),
      at(props, "defaultTags", "tags", "stack"),
      at(jsonDocument(props.defaultLabels), "stack"),
      at(props, "defaultLabels", "stack"),
      at(props, "tags", "stack"),
    ];
    const found = candidates.map(asString).find((value) => value !== undefined);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether the stack terminates HTTPS for clients anywhere. */
function servesHttps(resources: readonly PolicyResource[]): boolean {
  return resources.some(
    (r) =>
      ([aws.listener, aws.listenerAlias].includes(r.type as never) &&
        asString(r.props.protocol) === "HTTPS") ||
      r.type === gcp.httpsProxy,
  );
}

/** Stacks that serve real users; config `productionStacks` overrides. */
export const defaultProductionStacks = ["prod"];

/**
 * Without a `domain` the service listens on plain HTTP: nothing a client sends or receives is
 * confidential or authenticated. The program cannot require a domain everywhere, because Azure's
 * layer-4 load balancer cannot terminate TLS, so the risk is reported on every production stack
 * that runs without HTTPS (docs/decisions.md, "Prod without a domain"). Advisory: it is a
 * decision the stack's owner makes knowingly, not a mistake the pack can fix.
 */
export const productionServesHttps: StackValidationPolicy = {
  name: "production-serves-https",
  description:
    "Production stacks serve HTTPS (AWS: an HTTPS listener; GCP: a target HTTPS proxy). Without a domain they serve plain HTTP; Azure's layer-4 load balancer cannot terminate TLS at all.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: {
      productionStacks: {
        type: "array",
        items: { type: "string" },
        default: defaultProductionStacks,
      },
    },
  },
  validateStack: (args, report) => {
    const production =
      (asObject(args.getConfig<Record<string, unknown>>())?.productionStacks as
        string[] | undefined) ?? defaultProductionStacks;
    const stack = stackNameOf(args.resources);
    if (stack === undefined || !production.includes(stack)) return;
    if (servesHttps(args.resources)) return;
    const azure = args.resources.some((r) => r.type.startsWith("azure-native:"));
    report(
      azure
        ? `stack ${stack} serves plain HTTP: Azure's Standard Load Balancer works at layer 4 and cannot terminate TLS, so traffic and anything in it can be read and changed in transit; put a TLS-terminating front (Application Gateway or Front Door) before real users`
        : `stack ${stack} serves plain HTTP: set the stack key \`domain\` (with \`awsHostedZone\` on AWS) to get a managed certificate, HTTPS and a redirect from HTTP`,
    );
  },
};

export const exposurePolicies = [productionServesHttps];
