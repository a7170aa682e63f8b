import assert from "node:assert/strict";
import { toVmssRollingPolicy } from "../../components/rolling";
import { unusableSshPublicKey } from "../../providers/azure/sshKey";
import { workloadResourceGroup } from "../../providers/azure/naming";
import { sharedRegistryName } from "../../providers/azure/registry";
import { mockAccount } from "../../tools/plan/mocks/types";
import { PlannedResource } from "../../tools/plan/recorder";
import { guardedRules, ofType, one, planStack } from "../helpers/plan";
import {
  inputsOf,
  Json,
  mockId,
  mockOutputs,
  Plan,
  runComponents,
  scaleSetOf,
  stackTags,
  takesTags,
  testStackArgs,
  types,
  vmProfileOf,
  withEdited,
} from "./helpers";

const testKey =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1c2VyLWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3 ops@example.com";

/** What differs between the two stack files, as the Azure resources must show it. */
const stacks = {
  test: {
    zones: ["1", "2"],
    vmSize: "Standard_D2als_v5",
    capacity: { minimum: "2", maximum: "4", default: "2" },
    desired: 2,
    scaleOutBy: "2",
    snatPorts: 8000,
    alertEmails: [] as string[],
    workspaceDays: 30,
    locks: [] as string[],
    resourceCount: 18, // no resource group: it is the bootstrap's (bootstrap/azure.ts)
    untaggable: ["DataCollectionRuleAssociation", "RoleAssignment", "Subnet"],
  },
  prod: {
    zones: ["1", "2", "3"],
    vmSize: "Standard_D2as_v5",
    capacity: { minimum: "3", maximum: "12", default: "3" },
    desired: 3,
    scaleOutBy: "3",
    snatPorts: 2664,
    alertEmails: ["oncall@example.com"],
    workspaceDays: 90,
    locks: ["web-ip-id", "web-lb-id"],
    resourceCount: 20,
    untaggable: [
      "DataCollectionRuleAssociation",
      "ManagementLockByScope",
      "ManagementLockByScope",
      "RoleAssignment",
      "Subnet",
    ],
  },
} as const;

for (const stack of ["test", "prod"] as const) {
  const expected = stacks[stack];
  const load = () => planStack(stack, "azure");

  describe(`azure plan: ${stack} stack`, () => {
    it("registers every resource under the component with the explicit azure-native provider", async () => {
      const plan = await load();
      const provider = one(plan, types.provider, "web-azure");
      assert.equal(provider.parent, `${types.component}::web`);
      assert.equal(provider.inputs.location, "eastus");
      const children = plan.resources.filter((r) => r.type.startsWith("azure-native:"));
      assert.equal(children.length, expected.resourceCount);
      for (const child of children) {
        assert.equal(child.parent, `${types.component}::web`, child.name);
        assert.equal(child.provider, `${types.provider}::web-azure`, child.name);
        assert.ok(child.name.startsWith("web"), `${child.name} is not named from the component`);
      }
    });

    it("asks the provider, not config, which subscription it deploys to", async () => {
      const plan = await load();
      assert.deepEqual(
        plan.invokes.map((i) => i.token),
        // getVirtualMachineScaleSet reads the live instance count (compute.ts liveCapacity).
        [
          "azure-native:authorization:getClientConfig",
          "azure-native:compute:getVirtualMachineScaleSet",
        ],
      );
    });

    guardedRules<Plan>(load, [
      {
        name: "every resource that takes tags carries exactly the stack's tags",
        check: (plan) => {
          const taggable = plan.resources.filter((r) => takesTags(r.type));
          assert.deepEqual(
            plan.resources
              .filter((r) => r.type.startsWith("azure-native:") && !takesTags(r.type))
              .map((r) => r.type.split(":")[2])
              .sort(),
            [...expected.untaggable],
            "only these types take no tags",
          );
          for (const resource of taggable) {
            assert.deepEqual(resource.inputs.tags, stackTags(stack), resource.name);
          }
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            delete inputs.tags;
          }),
      },
      {
        name: "instances are spread over the stack's zones, balanced, one fault domain per zone",
        check: (plan) => {
          const vmss = scaleSetOf(plan);
          assert.deepEqual(vmss.zones, expected.zones);
          assert.equal(vmss.zoneBalance, true);
          assert.equal(vmss.platformFaultDomainCount, 1);
          assert.equal(vmss.orchestrationMode, "Uniform");
          assert.equal(vmss.overprovision, false);
          assert.deepEqual(vmss.sku, {
            name: expected.vmSize,
            tier: "Standard",
            capacity: expected.desired,
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.zones = ["1"];
          }),
      },
      {
        name: "the public address is static, Standard and zone-redundant over all three zones",
        check: (plan) => {
          const ip = inputsOf(plan, types.publicIp);
          assert.deepEqual(ip.sku, { name: "Standard", tier: "Regional" });
          assert.equal(ip.publicIPAllocationMethod, "Static");
          assert.deepEqual(ip.zones, ["1", "2", "3"]);
          assert.deepEqual(ip.dnsSettings, {
            domainNameLabel: `web-${stack}`,
            domainNameLabelScope: "ResourceGroupReuse",
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.publicIp, (inputs) => {
            inputs.zones = ["1"];
          }),
      },
      {
        name: "the subnet's NSG allows 8080 from the internet and probes, HTTPS out to four service tags, denies the rest both ways, never SSH or RDP",
        check: (plan) => {
          const nsg = one(plan, types.nsg);
          const rules: Json[] = (nsg.inputs as Json).securityRules;
          assert.deepEqual(
            rules.map((r) => ({
              name: r.name,
              priority: r.priority,
              direction: r.direction,
              access: r.access,
              protocol: r.protocol,
              source: r.sourceAddressPrefix,
              ...(r.direction === "Outbound" ? { destination: r.destinationAddressPrefix } : {}),
              port: r.destinationPortRange,
            })),
            [
              {
                name: "allow-http-from-internet",
                priority: 100,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                source: "Internet",
                port: "8080",
              },
              {
                name: "allow-load-balancer-probes",
                priority: 110,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                source: "AzureLoadBalancer",
                port: "8080",
              },
              {
                name: "deny-all-inbound",
                priority: 4096,
                direction: "Inbound",
                access: "Deny",
                protocol: "*",
                source: "*",
                port: "*",
              },
              ...[
                ["allow-https-to-registry", 200, "AzureContainerRegistry"],
                ["allow-https-to-storage", 210, "Storage"],
                ["allow-https-to-azure-monitor", 220, "AzureMonitor"],
                ["allow-https-to-resource-manager", 230, "AzureResourceManager"],
              ].map(([name, priority, tag]) => ({
                name,
                priority,
                direction: "Outbound",
                access: "Allow",
                protocol: "Tcp",
                source: "*",
                destination: tag,
                port: "443",
              })),
              {
                name: "deny-all-outbound",
                priority: 4096,
                direction: "Outbound",
                access: "Deny",
                protocol: "*",
                source: "*",
                destination: "*",
                port: "*",
              },
            ],
          );
          for (const rule of rules.filter(
            (r) => r.access === "Allow" && r.direction === "Inbound",
          )) {
            const ports = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])];
            assert.ok(!ports.some((p) => ["22", "3389", "*"].includes(p)), rule.name);
            assert.equal(rule.sourceAddressPrefixes, undefined, rule.name);
          }
          assert.deepEqual(inputsOf(plan, types.subnet).networkSecurityGroup, {
            id: mockId(nsg),
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.nsg, (inputs) => {
            inputs.securityRules.splice(2, 0, {
              ...inputs.securityRules[0],
              name: "ssh",
              priority: 200,
              destinationPortRange: "22",
            });
          }),
      },
      {
        // Egress as on AWS (issue 15, fault 7): without the deny, Azure's default
        // AllowInternetOutBound (65001) lets every instance reach the whole internet.
        name: "egress ends in an outbound deny-all that outranks Azure's default allow rules",
        check: (plan) => {
          const rules: Json[] = (one(plan, types.nsg).inputs as Json).securityRules;
          const outbound = rules.filter((r) => r.direction === "Outbound");
          const deny = outbound.filter((r) => r.access === "Deny");
          assert.equal(deny.length, 1);
          assert.equal(deny[0].destinationAddressPrefix, "*");
          assert.equal(deny[0].protocol, "*");
          assert.ok(deny[0].priority <= 4096, "a custom priority, before the defaults (65000+)");
          for (const allow of outbound.filter((r) => r.access === "Allow")) {
            assert.ok(allow.priority < deny[0].priority, allow.name);
            assert.equal(allow.destinationPortRange, "443", allow.name);
            assert.notEqual(allow.destinationAddressPrefix, "Internet", allow.name);
            assert.notEqual(allow.destinationAddressPrefix, "*", allow.name);
          }
        },
        breakIt: (plan) =>
          withEdited(plan, types.nsg, (inputs) => {
            inputs.securityRules = inputs.securityRules.filter(
              (r: Json) => r.name !== "deny-all-outbound",
            );
          }),
      },
      {
        name: "there is no implicit egress: the subnet turns default outbound access off",
        check: (plan) => {
          const subnet = inputsOf(plan, types.subnet);
          assert.equal(subnet.defaultOutboundAccess, false);
          assert.equal(subnet.addressPrefix, "10.0.0.0/24");
          assert.equal(subnet.natGateway, undefined, "egress is the load balancer's outbound rule");
        },
        breakIt: (plan) =>
          withEdited(plan, types.subnet, (inputs) => {
            delete inputs.defaultOutboundAccess;
          }),
      },
      {
        name: "the load balancer probes the health path and forwards 80 to 8080 with TCP reset",
        check: (plan) => {
          const lb = inputsOf(plan, types.loadBalancer);
          const self = `/subscriptions/${mockAccount.azureSubscriptionId}/resourceGroups/${workloadResourceGroup(stack)}/providers/Microsoft.Network/loadBalancers/web-lb`;
          assert.deepEqual(lb.sku, { name: "Standard", tier: "Regional" });
          assert.deepEqual(lb.frontendIPConfigurations, [
            { name: "public", publicIPAddress: { id: mockId(one(plan, types.publicIp)) } },
          ]);
          assert.deepEqual(lb.backendAddressPools, [{ name: "instances" }]);
          assert.deepEqual(lb.probes, [
            {
              name: "health",
              protocol: "Http",
              port: 8080,
              requestPath: "/healthz",
              intervalInSeconds: 5,
              probeThreshold: 2,
            },
          ]);
          assert.deepEqual(lb.loadBalancingRules, [
            {
              name: "http",
              protocol: "Tcp",
              frontendPort: 80,
              backendPort: 8080,
              frontendIPConfiguration: { id: `${self}/frontendIPConfigurations/public` },
              backendAddressPool: { id: `${self}/backendAddressPools/instances` },
              probe: { id: `${self}/probes/health` },
              enableTcpReset: true,
              idleTimeoutInMinutes: 4,
              enableFloatingIP: false,
              disableOutboundSnat: true,
            },
          ]);
        },
        breakIt: (plan) =>
          withEdited(plan, types.loadBalancer, (inputs) => {
            inputs.probes[0].requestPath = "/";
          }),
      },
      {
        name: "egress leaves through an outbound rule sized for twice maxInstances",
        check: (plan) => {
          const lb = inputsOf(plan, types.loadBalancer);
          assert.equal(lb.outboundRules.length, 1);
          const rule = lb.outboundRules[0];
          assert.equal(rule.protocol, "All");
          assert.equal(rule.allocatedOutboundPorts, expected.snatPorts);
          assert.equal(rule.enableTcpReset, true);
          assert.deepEqual(rule.frontendIPConfigurations, [
            lb.loadBalancingRules[0].frontendIPConfiguration,
          ]);
          assert.deepEqual(rule.backendAddressPool, lb.loadBalancingRules[0].backendAddressPool);
          assert.equal(ofType(plan, "azure-native:network:NatGateway").length, 0);
        },
        breakIt: (plan) =>
          withEdited(plan, types.loadBalancer, (inputs) => {
            inputs.outboundRules = [];
          }),
      },
      {
        name: "instances have no public IP and sit in the backend pool",
        check: (plan) => {
          const nics: Json[] = vmProfileOf(plan).networkProfile.networkInterfaceConfigurations;
          assert.equal(nics.length, 1);
          const configs: Json[] = nics.flatMap((nic) => nic.ipConfigurations);
          assert.equal(configs.length, 1);
          for (const config of configs) {
            assert.equal(config.publicIPAddressConfiguration, undefined);
            assert.deepEqual(config.subnet, { id: mockId(one(plan, types.subnet)) });
            assert.deepEqual(config.loadBalancerBackendAddressPools, [
              { id: `${mockId(one(plan, types.loadBalancer))}/backendAddressPools/instances` },
            ]);
          }
          assert.equal(vmProfileOf(plan).networkProfile.healthProbe, undefined);
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].ipConfigurations[0].publicIPAddressConfiguration =
              { name: "pip" };
          }),
      },
      {
        name: "login by password is impossible and the only key is the placeholder nobody holds",
        check: (plan) => {
          const os = vmProfileOf(plan).osProfile;
          assert.equal(os.adminUsername, "azureuser");
          assert.equal(os.adminPassword, undefined);
          assert.equal(os.linuxConfiguration.disablePasswordAuthentication, true);
          assert.deepEqual(os.linuxConfiguration.ssh.publicKeys, [
            { path: "/home/azureuser/.ssh/authorized_keys", keyData: unusableSshPublicKey() },
          ]);
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication = false;
          }),
      },
      {
        // Docker is in the bootstrap's host image (providers/azure/hostImage.ts), which is built
        // from the pinned Ubuntu 24.04 Gen2 version; the stack names one gallery image version,
        // never `latest`, in the shared images resource group.
        name: "boots the bootstrap's host image, one pinned gallery image version",
        check: (plan) => {
          const storage = vmProfileOf(plan).storageProfile;
          assert.deepEqual(storage.imageReference, {
            id: `/subscriptions/${mockAccount.azureSubscriptionId}/resourceGroups/ha-web-service-images/providers/Microsoft.Compute/galleries/hawebsvc_images/images/web-host/versions/1.0.0`,
          });
          assert.equal(storage.osDisk.createOption, "FromImage");
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.virtualMachineProfile.storageProfile.imageReference.id =
              inputs.virtualMachineProfile.storageProfile.imageReference.id.replace(
                "1.0.0",
                "latest",
              );
          }),
      },
      {
        name: "boot diagnostics are managed (no storage account)",
        check: (plan) => {
          assert.deepEqual(vmProfileOf(plan).diagnosticsProfile, {
            bootDiagnostics: { enabled: true },
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.virtualMachineProfile.diagnosticsProfile.bootDiagnostics.storageUri =
              "https://diag.blob.core.windows.net/";
          }),
      },
      {
        name: "the rollout surges half the fleet at a time and stops at the first unhealthy instance",
        check: (plan) => {
          const upgrade = scaleSetOf(plan).upgradePolicy;
          assert.deepEqual(upgrade, {
            mode: "Rolling",
            rollingUpgradePolicy: {
              maxBatchInstancePercent: 50,
              maxUnhealthyInstancePercent: 50,
              maxUnhealthyUpgradedInstancePercent: 0,
              pauseTimeBetweenBatches: "PT10S",
              prioritizeUnhealthyInstances: true,
              maxSurge: true,
              rollbackFailedInstancesOnPolicyBreach: true,
            },
          });
          assert.deepEqual(
            upgrade.rollingUpgradePolicy,
            toVmssRollingPolicy(
              { maxSurgePercent: 100, maxUnavailablePercent: 0, minReadySeconds: 10 },
              expected.desired,
            ),
          );
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.upgradePolicy.rollingUpgradePolicy.maxSurge = false;
          }),
      },
      {
        name: "unhealthy instances are replaced after a 10-minute boot grace period",
        check: (plan) => {
          assert.deepEqual(scaleSetOf(plan).automaticRepairsPolicy, {
            enabled: true,
            gracePeriod: "PT10M",
            repairAction: "Replace",
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.automaticRepairsPolicy.enabled = false;
          }),
      },
      {
        name: "deletions wait for the instance to drain: terminate notification, no force delete",
        check: (plan) => {
          assert.deepEqual(vmProfileOf(plan).scheduledEventsProfile, {
            terminateNotificationProfile: { enable: true, notBeforeTimeout: "PT5M" },
          });
          assert.deepEqual(scaleSetOf(plan).scaleInPolicy, {
            rules: ["OldestVM"],
            forceDeletion: false,
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.scaleInPolicy.forceDeletion = true;
          }),
      },
      {
        name: "the Application Health extension (rich states) probes the image's JSON health path",
        check: (plan) => {
          assert.deepEqual(vmProfileOf(plan).extensionProfile.extensions, [
            {
              name: "application-health",
              publisher: "Microsoft.ManagedServices",
              type: "ApplicationHealthLinux",
              // Rich health states: a booting VM reads Initializing, which a rolling upgrade
              // waits on, for up to gracePeriod seconds; the image answers /health/azure with
              // the JSON state (tests/azure/healthProbe.test.ts runs it).
              typeHandlerVersion: "2.0",
              autoUpgradeMinorVersion: true,
              settings: {
                protocol: "http",
                port: 8080,
                requestPath: "/health/azure",
                intervalInSeconds: 5,
                numberOfProbes: 2,
                gracePeriod: 600,
              },
            },
            {
              name: "azure-monitor-agent",
              publisher: "Microsoft.Azure.Monitor",
              type: "AzureMonitorLinuxAgent",
              typeHandlerVersion: "1.0",
              autoUpgradeMinorVersion: true,
              enableAutomaticUpgrade: true,
              settings: {
                authentication: {
                  managedIdentity: {
                    "identifier-name": "mi_res_id",
                    "identifier-value": mockId(one(plan, types.identity)),
                  },
                },
              },
            },
          ]);
        },
        breakIt: (plan) =>
          withEdited(plan, types.scaleSet, (inputs) => {
            inputs.virtualMachineProfile.extensionProfile.extensions[0].settings.port = 80;
          }),
      },
      {
        // The registry is the bootstrap's, shared by both stacks (bootstrap/registry.ts).
        name: "the instances' only role is AcrPull on the shared registry, for their own identity",
        check: (plan) => {
          const assignments = ofType(plan, types.roleAssignment);
          assert.equal(assignments.length, 1, "no other role assignment, least of all Owner");
          const identity = one(plan, types.identity);
          assert.deepEqual(assignments[0].inputs, {
            principalId: mockOutputs(identity).principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: `/subscriptions/${mockAccount.azureSubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
            scope: `/subscriptions/${mockAccount.azureSubscriptionId}/resourceGroups/ha-web-service-images/providers/Microsoft.ContainerRegistry/registries/${sharedRegistryName(mockAccount.azureSubscriptionId)}`,
            description: "Instances of web pull their image.",
          });
          assert.deepEqual(scaleSetOf(plan).identity, {
            type: "UserAssigned",
            userAssignedIdentities: [mockId(identity)],
          });
        },
        breakIt: (plan) =>
          withEdited(plan, types.roleAssignment, (inputs) => {
            inputs.scope = `/subscriptions/${mockAccount.azureSubscriptionId}`;
          }),
      },
      {
        // A registry in the stack would have to exist before its image, which only a targeted
        // update could arrange on a fresh stack, and the engine refuses that (docs/decisions.md).
        name: "creates no registry: the instances pull from the bootstrap's shared one",
        check: (plan) => {
          assert.deepEqual(ofType(plan, types.registry), []);
        },
        breakIt: (plan) => ({
          ...plan,
          resources: [...plan.resources, { ...one(plan, types.identity), type: types.registry }],
        }),
      },
      {
        name: "autoscale keeps the fleet within the stack's limits on CPU, scaling in more slowly",
        check: (plan) => {
          const autoscale = inputsOf(plan, types.autoscale);
          const vmssId = mockId(one(plan, types.scaleSet));
          assert.equal(autoscale.enabled, true);
          assert.equal(autoscale.targetResourceUri, vmssId);
          assert.equal(autoscale.profiles.length, 1);
          const [profile] = autoscale.profiles;
          assert.deepEqual(profile.capacity, expected.capacity);
          const trigger = {
            metricName: "Percentage CPU",
            metricNamespace: "microsoft.compute/virtualmachinescalesets",
            metricResourceUri: vmssId,
            timeGrain: "PT1M",
            statistic: "Average",
            timeAggregation: "Average",
          };
          assert.deepEqual(profile.rules, [
            {
              metricTrigger: {
                ...trigger,
                timeWindow: "PT5M",
                operator: "GreaterThan",
                threshold: 70,
              },
              scaleAction: {
                direction: "Increase",
                type: "ChangeCount",
                value: expected.scaleOutBy,
                cooldown: "PT5M",
              },
            },
            {
              metricTrigger: {
                ...trigger,
                timeWindow: "PT10M",
                operator: "LessThan",
                threshold: 30,
              },
              scaleAction: {
                direction: "Decrease",
                type: "ChangeCount",
                value: "1",
                cooldown: "PT15M",
              },
            },
          ]);
        },
        breakIt: (plan) =>
          withEdited(plan, types.autoscale, (inputs) => {
            inputs.profiles[0].rules[1].scaleAction.cooldown = "PT1M";
          }),
      },
      {
        name: "container logs reach a workspace kept for logRetentionDays (at least Azure's 30)",
        check: (plan) => {
          const workspace = inputsOf(plan, types.workspace);
          assert.equal(workspace.retentionInDays, expected.workspaceDays);
          assert.deepEqual(workspace.sku, { name: "PerGB2018" });
          const rule = inputsOf(plan, types.dataCollectionRule);
          assert.deepEqual(rule.dataSources.syslog[0].facilityNames, ["daemon", "user"]);
          assert.deepEqual(rule.destinations.logAnalytics, [
            { name: "workspace", workspaceResourceId: mockId(one(plan, types.workspace)) },
          ]);
          assert.deepEqual(rule.dataFlows, [
            { streams: ["Microsoft-Syslog"], destinations: ["workspace"] },
          ]);
          const link = inputsOf(plan, types.dataCollectionRuleAssociation);
          assert.equal(link.resourceUri, mockId(one(plan, types.scaleSet)));
          assert.equal(link.dataCollectionRuleId, mockId(one(plan, types.dataCollectionRule)));
        },
        breakIt: (plan) =>
          withEdited(plan, types.workspace, (inputs) => {
            delete inputs.retentionInDays;
          }),
      },
      {
        name: "alerts watch probe availability and CPU and notify the action group",
        check: (plan) => {
          const group = one(plan, types.actionGroup);
          assert.deepEqual(
            (group.inputs.emailReceivers as Json[]).map((r) => r.emailAddress),
            expected.alertEmails,
          );
          // Sorted by metric: registration order follows when each alert's scope resolves.
          const alerts = ofType(plan, types.metricAlert)
            .map((a): Json => a.inputs)
            .sort((a: Json, b: Json) =>
              a.criteria.allOf[0].metricName.localeCompare(b.criteria.allOf[0].metricName),
            );
          assert.deepEqual(
            alerts.map((a) => [
              a.scopes,
              a.criteria.allOf.map((c: Json) => [c.metricName, c.operator, c.threshold]),
              a.windowSize,
              a.actions,
            ]),
            [
              [
                [mockId(one(plan, types.loadBalancer))],
                [["DipAvailability", "LessThan", 50]],
                "PT5M",
                [{ actionGroupId: mockId(group) }],
              ],
              [
                [mockId(one(plan, types.scaleSet))],
                [["Percentage CPU", "GreaterThan", 80]],
                "PT15M",
                [{ actionGroupId: mockId(group) }],
              ],
              // The data path itself (issue 15, fault 10).
              [
                [mockId(one(plan, types.loadBalancer))],
                [["VipAvailability", "LessThan", 90]],
                "PT5M",
                [{ actionGroupId: mockId(group) }],
              ],
            ],
          );
          // Activity-log alerts: repairs suspended (state set), and any failed operation on the
          // scale set, a rolling upgrade stopped by its health policy included.
          const scaleSetId = mockId(one(plan, types.scaleSet));
          const group$ = `/subscriptions/${mockAccount.azureSubscriptionId}/resourceGroups/${workloadResourceGroup(stack)}`;
          assert.deepEqual(
            ofType(plan, types.activityAlert).map((a): Json => [
              a.name,
              a.inputs.scopes,
              a.inputs.condition,
              a.inputs.actions,
            ]),
            [
              [
                "web-repairs-state",
                [group$],
                {
                  allOf: [
                    { field: "category", equals: "Administrative" },
                    {
                      field: "operationName",
                      equals:
                        "Microsoft.Compute/virtualMachineScaleSets/setOrchestrationServiceState/action",
                    },
                    { field: "resourceId", equals: scaleSetId },
                  ],
                },
                { actionGroups: [{ actionGroupId: mockId(group) }] },
              ],
              [
                "web-upgrade-failed",
                [group$],
                {
                  allOf: [
                    { field: "category", equals: "Administrative" },
                    { field: "resourceId", equals: scaleSetId },
                    { field: "status", equals: "Failed" },
                  ],
                },
                { actionGroups: [{ actionGroupId: mockId(group) }] },
              ],
            ],
          );
        },
        breakIt: (plan) =>
          withEdited(plan, types.metricAlert, (inputs) => {
            inputs.actions = [];
          }),
      },
      {
        name: "deletion protection locks the load balancer and its address, never the resource group",
        check: (plan) => {
          const locks = ofType(plan, types.lock).map((l) => l.inputs);
          assert.deepEqual(locks.map((l) => l.scope).sort(), [...expected.locks]);
          for (const lock of locks) assert.equal(lock.level, "CanNotDelete");
        },
        breakIt: (plan) => ({
          resources: plan.resources
            .filter((r) => r.type !== types.lock)
            .concat(
              stack === "test"
                ? [
                    {
                      ...one(plan, types.loadBalancer),
                      type: types.lock,
                      name: "web-rg-lock",
                      inputs: { scope: "web-rg-id", level: "CanNotDelete" },
                    } as PlannedResource,
                  ]
                : [],
            ),
        }),
      },
    ]);

    it("publishes the load balancer's name as the URL and the scale set for drills", async () => {
      const plan = await load();
      const ip = mockOutputs(one(plan, types.publicIp)) as Json;
      assert.match(
        ip.dnsSettings.fqdn,
        new RegExp(`^web-${stack}-[0-9a-f]{16}\\.eastus\\.cloudapp\\.azure\\.com$`),
      );
      assert.equal(plan.outputs.url, `http://${ip.dnsSettings.fqdn}`);
      assert.deepEqual(plan.outputs.instanceGroup, {
        kind: "azure-vmss",
        subscriptionId: mockAccount.azureSubscriptionId,
        resourceGroup: workloadResourceGroup(stack),
        scaleSet: mockOutputs(one(plan, types.scaleSet)).name,
      });
    });
  });
}

describe("azure plan: overrides", () => {
  it("an SSH key, when given, is the only key", async () => {
    const plan = await planStack("test", "azure", { azureSshPublicKey: testKey });
    assert.deepEqual(vmProfileOf(plan).osProfile.linuxConfiguration.ssh.publicKeys, [
      { path: "/home/azureuser/.ssh/authorized_keys", keyData: testKey },
    ]);
    assert.equal(
      vmProfileOf(plan).osProfile.linuxConfiguration.disablePasswordAuthentication,
      true,
    );
  });

  it("an alert email becomes the action group's only receiver", async () => {
    const plan = await planStack("test", "azure", { alertEmail: "ops@example.com" });
    assert.deepEqual(inputsOf(plan, types.actionGroup).emailReceivers, [
      { name: "on-call", emailAddress: "ops@example.com", useCommonAlertSchema: true },
    ]);
  });

  it("a given image replaces the registry default", async () => {
    const plan = await planStack("test", "azure", { image: "ghcr.io/acme/web:1.0.0" });
    const env = Buffer.from(vmProfileOf(plan).osProfile.customData, "base64").toString("utf8");
    assert.match(env, /IMAGE='ghcr\.io\/acme\/web:1\.0\.0'/);
  });

  it("two components in one stack name every child after themselves and never collide", async () => {
    const run = await runComponents([
      { name: "shop", args: testStackArgs() },
      { name: "blog", args: testStackArgs() },
    ]);
    assert.equal(run.error, undefined);
    const children = run.resources.filter((r) => r.type.startsWith("azure-native:"));
    const shop = children.filter((r) => r.parent === `${types.component}::shop`);
    const blog = children.filter((r) => r.parent === `${types.component}::blog`);
    assert.equal(shop.length, blog.length);
    assert.equal(shop.length + blog.length, children.length);
    assert.ok(shop.every((r) => r.name.startsWith("shop")));
    assert.ok(blog.every((r) => r.name.startsWith("blog")));
  });
});
