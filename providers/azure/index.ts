import * as authorization from "@pulumi/azure-native/authorization";
import { Provider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";
import { azureVmSize } from "../../components/sizing";
import { CloudImplementation, InstanceGroupDescriptor } from "../types";
import { createScaleSet } from "./compute";
import { AzureContext } from "./context";
import { createIdentity } from "./identity";
import { createLoadBalancer, regionZones } from "./loadBalancer";
import { associateLogging, createLogging } from "./logging";
import { createAlerts } from "./monitoring";
import { workloadResourceGroup } from "./naming";
import { createNetwork } from "./network";
import { sharedRegistry } from "./registry";
import { createAutoscale } from "./scaling";
import { zonalSkus } from "./skus";
import { azureSshKeyProblem } from "./sshKey";
import { azureTopology } from "./topology";

/**
 * Azure: a zone-spread VM scale set behind a zone-redundant Standard Load Balancer. Submodules of
 * @pulumi/azure-native are imported one by one: the package root loads every Azure service.
 */

/** Azure checks on the resolved args, run before anything is registered. */
export function validate(args: ResolvedServiceArgs): string[] {
  const problems: string[] = [];
  if (args.domain !== undefined) {
    // Never fall back to serving HTTP for a name the user expects HTTPS on.
    problems.push(
      `domain: expected no domain on azure, which cannot serve HTTPS yet (a Standard Load Balancer forwards TCP and cannot terminate TLS); got ${JSON.stringify(args.domain)}. Unset domain to serve plain HTTP on the load balancer's address, or put Azure Front Door or Application Gateway in front of the service`,
    );
  }
  const known: readonly string[] = regionZones;
  if (!args.zones.every((zone) => known.includes(zone))) {
    problems.push(
      `zones: expected Azure zone numbers ${regionZones.map((z) => JSON.stringify(z)).join(", ")}; got ${JSON.stringify(args.zones)}`,
    );
  }
  const vmSize = azureVmSize(args.instanceSize);
  if (!(zonalSkus[args.region] ?? []).includes(vmSize)) {
    problems.push(
      `instanceSize: expected a size whose VM (${vmSize}) ${args.region} offers in availability zones (providers/azure/skus.ts lists ${Object.keys(zonalSkus).join(", ")}); got ${JSON.stringify(args.instanceSize)}`,
    );
  }
  if (args.rollingUpdate.maxUnavailablePercent !== 0) {
    // Without surge Azure upgrades instances in place, and the version lives in customData, which
    // an existing VM only picks up when reimaged: the old container would keep running.
    // https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-upgrade-policy#upgrades-that-require-a-restart-reimage-or-redeploy
    problems.push(
      `rollingMaxUnavailablePercent (rollingUpdate.maxUnavailablePercent): expected 0 on azure, where a rollout must create new instances (rollingMaxSurgePercent above 0): an in-place upgrade does not apply the new version's customData, so the old version would keep running; got ${args.rollingUpdate.maxUnavailablePercent}`,
    );
  }
  if (args.azureSshPublicKey !== undefined) {
    const problem = azureSshKeyProblem(args.azureSshPublicKey);
    if (problem !== undefined) {
      problems.push(`azureSshPublicKey: expected ${problem}`);
    }
  }
  return problems;
}

export const deploy: CloudImplementation = (name, args, parent) => {
  const provider = new Provider(`${name}-azure`, { location: args.region }, { parent });
  const client = authorization.getClientConfigOutput({ parent, provider });
  // The bootstrap's group for this environment (bootstrap/azure.ts), used by name: the deploy
  // identity's rights are scoped to it and do not include creating or deleting groups, and its
  // lifetime (and `protect`) belong to the bootstrap, not to this stack.
  // The stack name comes in with the args, as for the DNS label (loadBalancer.ts).
  const resourceGroupName = pulumi.output(workloadResourceGroup(args.stack));
  const ctx: AzureContext = {
    name,
    args,
    parent,
    provider,
    resourceGroupName,
    subscriptionId: client.subscriptionId,
  };

  const network = createNetwork(ctx);
  const registry = sharedRegistry(ctx);
  const identity = createIdentity(ctx, registry);
  const loadBalancing = createLoadBalancer(ctx);
  const logging = createLogging(ctx);
  const scaleSet = createScaleSet(ctx, {
    subnetId: network.subnet.id,
    backendPoolId: loadBalancing.backendPoolId,
    identity,
    registryLoginServer: registry.loginServer,
    deleteAfter: loadBalancing.locks,
  });
  associateLogging(ctx, logging, scaleSet);
  createAutoscale(ctx, scaleSet);
  createAlerts(ctx, loadBalancing.loadBalancer, scaleSet);

  const instanceGroup: pulumi.Output<InstanceGroupDescriptor> = pulumi
    .all([client.subscriptionId, resourceGroupName, scaleSet.name])
    .apply(([subscriptionId, group, scaleSetName]) => ({
      kind: "azure-vmss" as const,
      subscriptionId,
      resourceGroup: group,
      scaleSet: scaleSetName,
    }));
  return { url: loadBalancing.url, instanceGroup, topology: azureTopology(name, args) };
};
