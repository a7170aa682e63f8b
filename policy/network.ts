/**
 * Network policies: instances are private, and the only way in from the internet is the load
 * balancer's listener.
 */
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import {
  adminPorts,
  allPorts,
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStrings,
  at,
  cidrWithin,
  describeRange,
  forTypes,
  isPublicSource,
  parsePortRange,
  PortRange,
  Props,
  rangeIncludes,
  rangeWithin,
  resourcePolicy,
} from "./lib";
import { aws, azure, gcp } from "./types";

// ---------------------------------------------------------------------------------------------
// Normalised ingress rules, one shape for the three clouds

/** One way into a network: who may connect, on which ports. */
export interface Ingress {
  readonly sources: readonly string[];
  readonly protocol: string;
  readonly ports: PortRange;
  /** Where the rule was found, for messages: "ingress[0]", "securityRules[2] allow-http". */
  readonly where: string;
}

/** AWS protocol "-1" (or "all") opens every port whatever from/to say. */
function awsPorts(protocol: string, from: unknown, to: unknown): PortRange {
  if (protocol === "-1" || protocol === "all") return allPorts;
  const low = asNumber(from);
  const high = asNumber(to);
  return low === undefined || high === undefined ? allPorts : { from: low, to: high };
}

/** Ingress of an AWS security group (inline blocks), rule resource or legacy rule resource. */
export function awsIngress(type: string, props: Props): Ingress[] {
  if (type === aws.securityGroup) {
    return asArray(props.ingress).map((block, index) => {
      const b = asObject(block) ?? {};
      const protocol = String(b.protocol ?? "-1");
      return {
        sources: [...asStrings(b.cidrBlocks), ...asStrings(b.ipv6CidrBlocks)],
        protocol,
        ports: awsPorts(protocol, b.fromPort, b.toPort),
        where: `ingress[${index}]`,
      };
    });
  }
  if (type === aws.ingress) {
    const protocol = String(props.ipProtocol ?? "-1");
    return [
      {
        sources: [asString(props.cidrIpv4), asString(props.cidrIpv6)].filter(
          (s): s is string => s !== undefined,
        ),
        protocol,
        ports: awsPorts(protocol, props.fromPort, props.toPort),
        where: "rule",
      },
    ];
  }
  if (type === aws.securityGroupRule && props.type === "ingress") {
    const protocol = String(props.protocol ?? "-1");
    return [
      {
        sources: [...asStrings(props.cidrBlocks), ...asStrings(props.ipv6CidrBlocks)],
        protocol,
        ports: awsPorts(protocol, props.fromPort, props.toPort),
        where: "rule",
      },
    ];
  }
  return [];
}

/** Allow rules of a GCP firewall, one per `allows` block. Deny and egress rules open nothing. */
export function gcpIngress(props: Props): Ingress[] {
  if ((asString(props.direction) ?? "INGRESS") !== "INGRESS") return [];
  if (asBoolean(props.disabled) === true) return [];
  const sources = asStrings(props.sourceRanges);
  // A rule with no source ranges and no source tags or accounts applies to 0.0.0.0/0.
  const effective =
    sources.length > 0 || props.sourceTags !== undefined || props.sourceServiceAccounts
      ? sources
      : ["0.0.0.0/0"];
  return asArray(props.allows).flatMap((block, index) => {
    const b = asObject(block) ?? {};
    const protocol = String(b.protocol ?? "all");
    const ports = asStrings(b.ports);
    const ranges =
      ports.length === 0 || protocol === "all" ? [allPorts] : ports.map((p) => parsePortRange(p));
    return ranges.map((range) => ({
      sources: effective,
      protocol,
      ports: range,
      where: `allows[${index}]`,
    }));
  });
}

/** The Allow/Inbound entries of an NSG's inline rules or of a separate SecurityRule. */
export function azureIngress(type: string, props: Props): Ingress[] {
  const rules =
    type === azure.nsg
      ? asArray(props.securityRules).map((rule, index) => ({
          rule: asObject(rule) ?? {},
          where: `securityRules[${index}]`,
        }))
      : [{ rule: props, where: "rule" }];
  return rules.flatMap(({ rule, where }) => {
    const access = asString(rule.access) ?? "";
    const direction = asString(rule.direction) ?? "";
    if (access.toLowerCase() !== "allow" || direction.toLowerCase() !== "inbound") return [];
    const sources = [
      ...asStrings(rule.sourceAddressPrefix),
      ...asStrings(rule.sourceAddressPrefixes),
    ];
    const portTexts = [
      ...asStrings(rule.destinationPortRange),
      ...asStrings(rule.destinationPortRanges),
    ];
    const name = asString(rule.name);
    return (portTexts.length === 0 ? ["*"] : portTexts).map((text) => ({
      sources,
      protocol: String(rule.protocol ?? "*"),
      ports: parsePortRange(text),
      where: name ? `${where} ${name}` : where,
    }));
  });
}

const awsRuleTypes = [aws.securityGroup, aws.ingress, aws.securityGroupRule];
const azureRuleTypes = [azure.nsg, azure.securityRule];

function ingressOf(type: string, props: Props): Ingress[] {
  if (awsRuleTypes.includes(type as (typeof awsRuleTypes)[number])) return awsIngress(type, props);
  if (type === gcp.firewall) return gcpIngress(props);
  if (azureRuleTypes.includes(type as (typeof azureRuleTypes)[number])) {
    return azureIngress(type, props);
  }
  return [];
}

const publicSources = (rule: Ingress) => rule.sources.filter(isPublicSource);

// ---------------------------------------------------------------------------------------------
// Policies

/**
 * Where Google Front Ends (the external Application Load Balancer's proxies and its health
 * checkers) connect from, and where IAP TCP forwarding connects from. Restated here rather than
 * imported from the program, so that widening the program cannot silently widen the policy.
 * https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
 * https://cloud.google.com/iap/docs/using-tcp-forwarding
 */
export const googleFrontEndRanges = ["130.211.0.0/22", "35.191.0.0/16"];
export const iapForwardingRange = "35.235.240.0/20";

/** The load balancer's listener ports: the only ports the internet may reach. */
export const defaultListenerPorts = [80, 443];

export const noPublicIpOnInstances = resourcePolicy(
  {
    name: "no-public-ip-on-instances",
    description:
      "Instances run in private subnets without public addresses; the load balancer is their only way in.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    [aws.service]: (props, report) => {
      if (asBoolean(at(props, "networkConfiguration", "assignPublicIp")) === true) {
        report(
          "networkConfiguration.assignPublicIp is true: tasks get public IPs; set it to false",
        );
      }
    },
    [aws.instance]: (props, report) => {
      if (asBoolean(props.associatePublicIpAddress) === true) {
        report("associatePublicIpAddress is true; instances must stay private");
      }
    },
    [aws.launchTemplate]: (props, report) => {
      asArray(props.networkInterfaces).forEach((nic, index) => {
        if (asBoolean(at(nic, "associatePublicIpAddress")) === true) {
          report(`networkInterfaces[${index}].associatePublicIpAddress is true`);
        }
      });
    },
    ...forTypes([gcp.template, gcp.regionTemplate, gcp.instance], (props, report) => {
      asArray(props.networkInterfaces).forEach((nic, index) => {
        // An accessConfigs entry, even an empty one, gives the VM an external IPv4 address.
        if (asArray(at(nic, "accessConfigs")).length > 0) {
          report(`networkInterfaces[${index}].accessConfigs gives the VM an external address`);
        }
        if (asArray(at(nic, "ipv6AccessConfigs")).length > 0) {
          report(`networkInterfaces[${index}].ipv6AccessConfigs gives the VM an external address`);
        }
      });
    }),
    [azure.vmss]: (props, report) => {
      const nics = asArray(
        at(props, "virtualMachineProfile", "networkProfile", "networkInterfaceConfigurations"),
      );
      nics.forEach((nic, n) => {
        asArray(at(nic, "ipConfigurations")).forEach((ip, i) => {
          if (at(ip, "publicIPAddressConfiguration") !== undefined) {
            report(
              `networkInterfaceConfigurations[${n}].ipConfigurations[${i}].publicIPAddressConfiguration gives every VM a public IP`,
            );
          }
        });
      });
    },
  },
);

interface IngressConfig {
  listenerPorts?: number[];
  gcpAllowedSourceRanges?: string[];
}

export const ingressOnlyToListenerPorts = resourcePolicy(
  {
    name: "ingress-only-to-listener-ports",
    description:
      "The internet reaches only the load balancer's listener ports: AWS security groups open only those ports to public addresses, GCP firewalls admit only Google's load-balancer and health-check ranges (and IAP for SSH), Azure NSGs admit the internet only on explicit serving ports.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
      properties: {
        listenerPorts: { type: "array", items: { type: "integer" }, default: defaultListenerPorts },
        gcpAllowedSourceRanges: {
          type: "array",
          items: { type: "string" },
          default: googleFrontEndRanges,
        },
      },
    },
  },
  {
    ...forTypes(awsRuleTypes, (props, report, args) => {
      const { listenerPorts = defaultListenerPorts } = args.getConfig<IngressConfig>();
      for (const rule of awsIngress(args.type, props)) {
        const open = publicSources(rule);
        if (open.length === 0) continue;
        const tcp = rule.protocol === "tcp" || rule.protocol === "6";
        if (!tcp || !rangeWithin(rule.ports, listenerPorts)) {
          report(
            `${rule.where} opens ${rule.protocol} ${describeRange(rule.ports)} to ${open.join(", ")}; only tcp ${listenerPorts.join(", ")} (the listener ports) may be open to the internet`,
          );
        }
      }
    }),
    [gcp.firewall]: (props, report, args) => {
      const { gcpAllowedSourceRanges = googleFrontEndRanges } = args.getConfig<IngressConfig>();
      for (const rule of gcpIngress(props)) {
        for (const source of rule.sources) {
          if (gcpAllowedSourceRanges.some((range) => cidrWithin(source, range))) continue;
          const sshOnly = rule.ports.from === 22 && rule.ports.to === 22;
          if (sshOnly && cidrWithin(source, iapForwardingRange)) continue;
          if (!isPublicSource(source)) continue;
          report(
            `${rule.where} admits ${source} on ${describeRange(rule.ports)}; allowed sources are ${gcpAllowedSourceRanges.join(", ")} (load balancer and health checks) and ${iapForwardingRange} for port 22 (IAP)`,
          );
        }
      }
    },
    ...forTypes(azureRuleTypes, (props, report, args) => {
      for (const rule of azureIngress(args.type, props)) {
        const open = publicSources(rule);
        if (open.length === 0) continue;
        if (rule.ports.to - rule.ports.from > 0) {
          report(
            `${rule.where} admits ${open.join(", ")} on ${describeRange(rule.ports)}; an internet rule must name the one serving port`,
          );
        }
      }
    }),
  },
);

export const noAdminPortsFromInternet = resourcePolicy(
  {
    name: "no-ssh-rdp-from-internet",
    description:
      "SSH (22) and RDP (3389) are never reachable from public addresses, whatever else a rule allows.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  forTypes([...awsRuleTypes, gcp.firewall, ...azureRuleTypes], (props, report, args) => {
    for (const rule of ingressOf(args.type, props)) {
      // IAP's range is Google's proxy, not the internet: access through it is decided by IAM.
      const open = publicSources(rule).filter(
        (source) => !(args.type === gcp.firewall && cidrWithin(source, iapForwardingRange)),
      );
      if (open.length === 0) continue;
      for (const port of adminPorts) {
        if (rangeIncludes(rule.ports, port)) {
          report(`${rule.where} opens port ${port} to ${open.join(", ")}`);
        }
      }
    }
  }),
);

// ---------------------------------------------------------------------------------------------
// Cross-resource: which group a public rule sits on

/** Resources another resource refers to through one property, as the engine records it. */
function dependenciesOf(resource: PolicyResource, property: string): PolicyResource[] {
  return resource.propertyDependencies[property] ?? [];
}

function isInternetFacingAwsLb(resource: PolicyResource): boolean {
  return (
    (resource.type === aws.alb || resource.type === aws.albAlias) &&
    asBoolean(resource.props.internal) !== true
  );
}

function checkAwsPublicRulesOnLbGroups(
  resources: readonly PolicyResource[],
  report: ReportViolation,
): void {
  const lbGroups = new Set(
    resources.filter(isInternetFacingAwsLb).flatMap((lb) => dependenciesOf(lb, "securityGroups")),
  );
  for (const resource of resources) {
    if (!awsRuleTypes.includes(resource.type as (typeof awsRuleTypes)[number])) continue;
    const open = awsIngress(resource.type, resource.props).filter(
      (rule) => publicSources(rule).length > 0,
    );
    if (open.length === 0) continue;
    const groups =
      resource.type === aws.securityGroup
        ? [resource]
        : dependenciesOf(resource, "securityGroupId").concat(
            dependenciesOf(resource, "securityGroupIds"),
          );
    if (!groups.some((group) => lbGroups.has(group))) {
      report(
        `${resource.name} opens ${open.map((r) => describeRange(r.ports)).join(", ")} to the internet on a security group no internet-facing load balancer uses; instances must only admit the load balancer`,
        resource.urn,
      );
    }
  }
}

function checkAzurePublicRulesOnLbPorts(
  resources: readonly PolicyResource[],
  report: ReportViolation,
): void {
  const servingPorts = resources
    .filter((r) => r.type === azure.lb)
    .flatMap((lb) =>
      asArray(lb.props.loadBalancingRules).flatMap((rule) =>
        [at(rule, "frontendPort"), at(rule, "backendPort")].map(asNumber),
      ),
    )
    .filter((port): port is number => port !== undefined);
  for (const resource of resources) {
    if (!azureRuleTypes.includes(resource.type as (typeof azureRuleTypes)[number])) continue;
    for (const rule of azureIngress(resource.type, resource.props)) {
      if (publicSources(rule).length === 0) continue;
      if (!rangeWithin(rule.ports, servingPorts)) {
        report(
          `${resource.name} ${rule.where} admits the internet on ${describeRange(rule.ports)}, which no load-balancing rule serves (${servingPorts.join(", ") || "none"})`,
          resource.urn,
        );
      }
    }
  }
}

export const internetOnlyThroughLoadBalancer: StackValidationPolicy = {
  name: "internet-only-through-load-balancer",
  description:
    "Public ingress exists only in front of the load balancer: on AWS only on a security group an internet-facing load balancer uses, on Azure only on ports a load-balancing rule serves.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    checkAwsPublicRulesOnLbGroups(args.resources, report);
    checkAzurePublicRulesOnLbPorts(args.resources, report);
  },
};

// ---------------------------------------------------------------------------------------------
// Egress

/**
 * Service tags an Azure instance subnet may reach, on 443 only (providers/azure/network.ts,
 * outboundRules, cites why each is needed). Everything else must be denied before Azure's default
 * AllowInternetOutBound (65001) and AllowVnetOutBound (65000) rules apply.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
 */
export const azureAllowedEgressTags = [
  "AzureContainerRegistry",
  "Storage",
  "AzureMonitor",
  "AzureResourceManager",
];

interface EgressConfig {
  azureAllowedEgressTags?: string[];
}

/** Outbound rules of an NSG's inline `securityRules`, with their position for messages. */
function azureOutbound(props: Props) {
  return asArray(props.securityRules)
    .map((rule, index) => ({
      where: `securityRules[${index}] ${asString(at(rule, "name")) ?? ""}`.trim(),
      access: asString(at(rule, "access")),
      direction: asString(at(rule, "direction")),
      priority: asNumber(at(rule, "priority")) ?? Number.POSITIVE_INFINITY,
      protocol: asString(at(rule, "protocol")) ?? "*",
      destinations: [
        asString(at(rule, "destinationAddressPrefix")),
        ...asStrings(at(rule, "destinationAddressPrefixes")),
      ].filter((d): d is string => d !== undefined),
      ports: [
        asString(at(rule, "destinationPortRange")),
        ...asStrings(at(rule, "destinationPortRanges")),
      ]
        .filter((p): p is string => p !== undefined)
        .map(parsePortRange),
    }))
    .filter((rule) => rule.direction === "Outbound");
}

export const azureEgressRestricted = resourcePolicy(
  {
    name: "azure-egress-restricted",
    description:
      "Azure NSGs restrict egress as AWS security groups do: HTTPS only to the service tags instances need, then an outbound deny of everything before Azure's default allow-all rules.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
      properties: {
        azureAllowedEgressTags: {
          type: "array",
          items: { type: "string" },
          default: azureAllowedEgressTags,
        },
      },
    },
  },
  {
    [azure.nsg]: (props, report, args) => {
      const { azureAllowedEgressTags: allowed = azureAllowedEgressTags } =
        args.getConfig<EgressConfig>();
      const outbound = azureOutbound(props);
      const denyAll = outbound.find(
        (rule) =>
          rule.access === "Deny" &&
          rule.protocol === "*" &&
          rule.destinations.some((d) => d === "*" || d === "Internet" || d === "0.0.0.0/0") &&
          rule.ports.some((p) => p.from === allPorts.from && p.to === allPorts.to),
      );
      // Custom priorities end at 4096, before the default rules (65000+).
      if (!denyAll || denyAll.priority > 4096) {
        report(
          "has no outbound Deny of every protocol, port and destination (* or Internet) at a custom priority (at most 4096); Azure's default AllowInternetOutBound (65001) then lets instances reach the whole internet",
        );
      }
      const denyAt = denyAll?.priority ?? Number.POSITIVE_INFINITY;
      for (const rule of outbound) {
        if (rule.access !== "Allow" || rule.priority > denyAt) continue;
        const badTags = rule.destinations.filter((d) => !allowed.includes(d));
        const https =
          rule.protocol === "Tcp" && rule.ports.every((p) => p.from === 443 && p.to === 443);
        if (badTags.length > 0 || !https || rule.ports.length === 0) {
          report(
            `${rule.where} allows ${rule.protocol} ${rule.ports.map(describeRange).join(", ") || "no port"} to ${rule.destinations.join(", ")}; outbound allows must be Tcp 443 to one of ${allowed.join(", ")}`,
          );
        }
      }
    },
  },
);

export const networkPolicies = [
  noPublicIpOnInstances,
  ingressOnlyToListenerPorts,
  noAdminPortsFromInternet,
  internetOnlyThroughLoadBalancer,
  azureEgressRestricted,
];
