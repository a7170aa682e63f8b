import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { keepaliveAbove } from "../../components/keepalive";
import { childName } from "../../components/naming";
import { toVmssRollingPolicy } from "../../components/rolling";
import { azureVmSize } from "../../components/sizing";
import { renderCloudInit } from "./cloudInit";
import { AzureContext, childOptions, placement } from "./context";
import { InstanceIdentity } from "./identity";
import { monitorAgentExtension } from "./logging";
import { idleTimeoutMinutes } from "./loadBalancer";
import { hostImageVersionId } from "./hostImage";
import { computerNamePrefix } from "./naming";
import { imageRepository } from "./registry";
import { unusableSshPublicKey } from "./sshKey";

export const adminUsername = "azureuser";

/**
 * Replaced instances boot in about 2 minutes: ~1 min to allocate and boot the host image (Docker is
 * in it, hostImage.ts), under a minute to pull and start the image. Repairs wait 10 minutes (Azure
 * accepts 10-90) so a slow boot, or a role assignment still propagating, is not mistaken for a
 * broken instance; web-start gives up on pulling after 8 minutes, inside that window.
 */
export const repairGracePeriod = "PT10M";

/**
 * How long Azure holds a deletion for the instance to drain (web-drain approves it early, after
 * about drain + 15 s). 5 minutes is Azure's minimum.
 */
export const terminateNotBefore = "PT5M";

/**
 * Rich health states (extension 2.0): a new instance stays *Initializing* until `numberOfProbes`
 * consecutive answers agree or `gracePeriod` runs out, and a rolling upgrade waits on Initializing
 * instead of counting it unhealthy. With binary states (1.0) an instance still pulling its image
 * reads Unhealthy, and `maxUnhealthyUpgradedInstancePercent: 0` aborts the upgrade on its first
 * batch. The grace period covers the slowest boot web-start allows (8 minutes of pull retries after
 * the boot), so it matches the repair grace period.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-health-extension#rich-health-states
 */
export const healthExtension = {
  name: "application-health",
  publisher: "Microsoft.ManagedServices",
  type: "ApplicationHealthLinux",
  typeHandlerVersion: "2.0",
  intervalInSeconds: 5,
  numberOfProbes: 2,
  /** Seconds; Azure accepts up to 14400, the default is interval × probes (10 s). */
  gracePeriod: 600,
  /**
   * Served by the image's nginx (app/nginx/nginx.conf.template): 200 with
   * `{"ApplicationHealthState":"Healthy"}` while the app is ready, `"Unhealthy"` once it drains or
   * fails. A plain 200 with any other body reads *Unknown*, which rolling upgrades treat as
   * unhealthy, so the extension cannot probe the load balancer's path.
   */
  requestPath: "/health/azure",
} as const;

/**
 * The scale set's physical name, fixed rather than auto-named so the program can look the live
 * scale set up before registering it (`liveCapacity`). Unique: the resource group is this
 * component's own.
 */
export function scaleSetName(name: string): string {
  // Linux scale set names are capped at 64 characters.
  return childName(name, "vmss", 64);
}

/**
 * The instance count to send with the scale set. azure-native updates a scale set with a PUT of the
 * whole body built from the inputs (pulumi-azure-native provider/pkg/provider/provider.go, Update →
 * crudClient.CreateOrUpdate), so whatever `sku.capacity` holds is applied. `ignoreChanges` is no
 * help: the engine fills an ignored path from the OLD recorded inputs (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, processIgnoreChanges), i.e. the count of the last deploy
 * or refresh, not the one autoscale has set since (Azure/vm-scale-sets#70). So the program reads
 * the live count with the provider's own GET and sends it back unchanged; the first deploy, when
 * the scale set does not exist yet, sends desiredInstances.
 */
export function liveCapacity(ctx: AzureContext, vmScaleSetName: string): pulumi.Output<number> {
  const { desiredInstances } = ctx.args;
  return ctx.resourceGroupName.apply(async (resourceGroupName) => {
    try {
      const live = await compute.getVirtualMachineScaleSet(
        { resourceGroupName, vmScaleSetName },
        { parent: ctx.parent, provider: ctx.provider },
      );
      return live.sku?.capacity ?? desiredInstances;
    } catch (err) {
      if (isNotFound(err)) return desiredInstances;
      throw err;
    }
  });
}

/**
 * Whether an invoke failed because the resource does not exist. azure-native wraps the ARM error
 * (`request failed <id>: ...`), whose text carries the HTTP status and ARM's `ResourceNotFound`
 * code in both of its HTTP backends (azcore: `RESPONSE 404` / `ERROR CODE: ResourceNotFound`;
 * autorest: `Status=404 Code="ResourceNotFound"`); provider/pkg/azure/azure.go IsNotFound tests
 * the same status. Anything else (auth, throttling) must fail the deploy, not reset the count.
 */
export function isNotFound(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /\bResourceNotFound\b|RESPONSE 404\b|Status(?:Code)?=404\b/.test(message);
}

export interface ScaleSetInputs {
  readonly subnetId: pulumi.Input<string>;
  readonly backendPoolId: pulumi.Input<string>;
  readonly identity: InstanceIdentity;
  readonly registryLoginServer: pulumi.Output<string>;
  /** Resources that a destroy must not reach before the scale set (loadBalancer.ts, locks). */
  readonly deleteAfter: readonly pulumi.Resource[];
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

  const vmScaleSetName = scaleSetName(name);
  return new compute.VirtualMachineScaleSet(
    vmScaleSetName,
    {
      ...placement(ctx),
      vmScaleSetName,
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
        // Autoscale owns the count after the first deploy; see liveCapacity.
        capacity: liveCapacity(ctx, vmScaleSetName),
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
          // The bootstrap's host image (hostImage.ts), pinned by version: the OS changes only when
          // hostImageVersion does, through this rolling upgrade. Gen2 and Trusted Launch capable,
          // as the securityProfile below needs.
          imageReference: { id: ctx.subscriptionId.apply(hostImageVersionId) },
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
        securityProfile: {
          // Trusted Launch: secure boot and a vTPM, as Azure Policy and AVM expect for Gen2 images;
          // every size in components/sizing.ts supports it.
          // https://learn.microsoft.com/azure/virtual-machines/trusted-launch
          securityType: "TrustedLaunch",
          uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
          // Temp disk and caches encrypted on the host too. The subscription needs the feature
          // registered once: az feature register --namespace Microsoft.Compute --name EncryptionAtHost
          // https://learn.microsoft.com/azure/virtual-machines/disk-encryption#encryption-at-host---end-to-end-encryption-for-your-vm-data
          encryptionAtHost: true,
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
              settings: {
                protocol: "http",
                port: args.containerPort,
                requestPath: healthExtension.requestPath,
                intervalInSeconds: healthExtension.intervalInSeconds,
                numberOfProbes: healthExtension.numberOfProbes,
                gracePeriod: healthExtension.gracePeriod,
              },
            },
            monitorAgentExtension(inputs.identity.identity.id),
          ],
        },
      },
    },
    // No ignoreChanges on sku.capacity: it would put the last recorded count back over the live
    // one that liveCapacity reads.
    childOptions(ctx, { dependsOn: [inputs.identity.acrPull, ...inputs.deleteAfter] }),
  );
}
