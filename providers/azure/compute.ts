import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { keepaliveAbove } from "../../components/keepalive";
import { childName } from "../../components/naming";
import { toVmssRollingPolicy } from "../../components/rolling";
import { azureVmSize } from "../../components/sizing";
import { renderCloudInit } from "./cloudInit";
import { AzureContext, childOptions, placement } from "./context";
import { InstanceIdentity } from "./identity";
import { idleTimeoutMinutes } from "./loadBalancer";
import { computerNamePrefix } from "./naming";
import { imageRepository } from "./registry";
import { unusableSshPublicKey } from "./sshKey";

/**
 * Pinned, not `latest`: a new image version must arrive through a deploy (and so a rolling
 * upgrade), never silently on the next scale-out. Ubuntu 24.04 LTS, Gen2 ("server" SKU).
 */
export const image = {
  publisher: "Canonical",
  offer: "ubuntu-24_04-lts",
  sku: "server",
  version: "24.04.202609040",
} as const;

export const adminUsername = "azureuser";

/**
 * Replaced instances boot in about 3-4 minutes: ~1 min to allocate and boot, ~1-1.5 min for apt to
 * install docker.io, under a minute to pull and start the image. Repairs wait 10 minutes (Azure
 * accepts 10-90) so a slow boot, or a role assignment still propagating, is not mistaken for a
 * broken instance; web-start gives up on pulling after 8 minutes, inside that window.
 */
export const repairGracePeriod = "PT10M";

/**
 * How long Azure holds a deletion for the instance to drain (web-drain approves it early, after
 * about drain + 15 s). 5 minutes is Azure's minimum.
 */
export const terminateNotBefore = "PT5M";

/** Binary health states: 200 from the health path is healthy, anything else unhealthy. */
export const healthExtension = {
  name: "application-health",
  publisher: "Microsoft.ManagedServices",
  type: "ApplicationHealthLinux",
  typeHandlerVersion: "1.0",
  intervalInSeconds: 5,
  numberOfProbes: 2,
} as const;

export interface ScaleSetInputs {
  readonly subnetId: pulumi.Input<string>;
  readonly backendPoolId: pulumi.Input<string>;
  readonly identity: InstanceIdentity;
  readonly registryLoginServer: pulumi.Output<string>;
}

export function createScaleSet(
  ctx: AzureContext,
  inputs: ScaleSetInputs,
): compute.VirtualMachineScaleSet {
  const { name, args } = ctx;
  const serviceImage =
    args.image ??
    pulumi.interpolate`${inputs.registryLoginServer}/${imageRepository}:${args.appVersion}`;
  const customData = pulumi
    .all([inputs.registryLoginServer, serviceImage, inputs.identity.identity.clientId])
    .apply(([registry, imageRef, clientId]) =>
      Buffer.from(
        renderCloudInit({
          registry,
          image: imageRef,
          identityClientId: clientId,
          containerPort: args.containerPort,
          drainSeconds: args.drainingTimeoutSeconds,
          keepaliveSeconds: keepaliveAbove(idleTimeoutMinutes * 60),
          logRetentionDays: args.logRetentionDays,
          sshLogin: args.azureSshPublicKey !== undefined,
        }),
      ).toString("base64"),
    );

  return new compute.VirtualMachineScaleSet(
    // Linux scale set names are capped at 64 characters, auto-name suffix included.
    childName(name, "vmss", 64),
    {
      ...placement(ctx),
      // Uniform, although Azure suggests Flexible for new scale sets: Uniform is where rolling
      // upgrades with maxSurge, automatic repairs and the Application Health extension have been
      // generally available longest, all set on one scale-set model. Identical, disposable
      // instances behind a load balancer need nothing Flexible adds (mixed sizes, per-VM control).
      orchestrationMode: "Uniform",
      zones: [...args.zones],
      // With zoneBalance Azure keeps the zones within one instance of each other, and refuses a
      // scale-out that would unbalance them rather than piling instances into one zone.
      zoneBalance: true,
      // One fault domain per zone means "spread as widely as possible" within each zone, which is
      // what Azure recommends for zonal scale sets; the zones are the failure boundary that counts.
      platformFaultDomainCount: 1,
      // Overprovisioned extras would join the load balancer pool and pull the image only to be
      // deleted moments later.
      overprovision: false,
      sku: {
        name: azureVmSize(args.instanceSize),
        tier: "Standard",
        capacity: args.desiredInstances,
      },
      identity: { type: "UserAssigned", userAssignedIdentities: [inputs.identity.identity.id] },
      upgradePolicy: {
        mode: "Rolling",
        rollingUpgradePolicy: toVmssRollingPolicy(args.rollingUpdate, args.desiredInstances),
      },
      automaticRepairsPolicy: {
        enabled: true,
        gracePeriod: repairGracePeriod,
        repairAction: "Replace",
      },
      scaleInPolicy: {
        // Within the zone balance Azure always keeps, remove the oldest instances first: they are
        // the likeliest to lag the model (an aborted rollout) or to have drifted.
        rules: ["OldestVM"],
        // Force deletion skips the graceful shutdown, and with it the drain.
        forceDeletion: false,
      },
      virtualMachineProfile: {
        osProfile: {
          computerNamePrefix: computerNamePrefix(name),
          // Azure needs an admin user even when nobody logs in; no password is ever set.
          adminUsername,
          customData,
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            provisionVMAgent: true,
            ssh: {
              publicKeys: [
                {
                  path: `/home/${adminUsername}/.ssh/authorized_keys`,
                  keyData: args.azureSshPublicKey ?? unusableSshPublicKey(),
                },
              ],
            },
          },
        },
        storageProfile: {
          imageReference: { ...image },
          osDisk: {
            createOption: "FromImage",
            caching: "ReadWrite",
            managedDisk: { storageAccountType: "StandardSSD_LRS" },
          },
        },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: "nic",
              primary: true,
              ipConfigurations: [
                {
                  name: "ipconfig",
                  primary: true,
                  subnet: { id: inputs.subnetId },
                  loadBalancerBackendAddressPools: [{ id: inputs.backendPoolId }],
                  // No publicIPAddressConfiguration: instances are reachable only through the
                  // load balancer and leave only through its outbound rule.
                },
              ],
            },
          ],
          // No networkProfile.healthProbe: a scale set takes one health source, and the
          // Application Health extension below is it.
        },
        // Managed boot diagnostics: serial log and screenshot without a storage account.
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        scheduledEventsProfile: {
          terminateNotificationProfile: { enable: true, notBeforeTimeout: terminateNotBefore },
        },
        extensionProfile: {
          extensions: [
            {
              name: healthExtension.name,
              publisher: healthExtension.publisher,
              type: healthExtension.type,
              typeHandlerVersion: healthExtension.typeHandlerVersion,
              autoUpgradeMinorVersion: true,
              // Rich health states (2.0) would add an Initializing state and a grace period, but
              // need the app to answer {"applicationHealthState": "Healthy"}; a plain 200 would
              // read as Unknown. Binary states need nothing from the app; the boot-time grace is
              // automaticRepairsPolicy.gracePeriod.
              settings: {
                protocol: "http",
                port: args.containerPort,
                requestPath: args.healthCheckPath,
                intervalInSeconds: healthExtension.intervalInSeconds,
                numberOfProbes: healthExtension.numberOfProbes,
              },
            },
          ],
        },
      },
    },
    childOptions(ctx, {
      dependsOn: [inputs.identity.acrPull],
      // Autoscale owns the instance count after the first deploy; without this every deploy would
      // reset it to desiredInstances.
      ignoreChanges: ["sku.capacity"],
    }),
  );
}
