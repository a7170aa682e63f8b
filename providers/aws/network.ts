import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./context";

export interface AwsNetwork {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  readonly taskSecurityGroup: aws.ec2.SecurityGroup;
  /**
   * What a task needs before it can start: the VPC with its NAT routes and endpoints, and every
   * security group rule. The ECS service depends on these, so no task is launched (and failed
   * into the circuit breaker) while its image pull or the ALB's health check has no path yet.
   */
  readonly taskPrerequisites: pulumi.Resource[];
}

/**
 * The S3 gateway endpoint: ECR serves image layers from S3, so with it layer downloads bypass NAT
 * and its per-GB charge. Gateway endpoints cost nothing. awsx's `Auto` strategy fills the route
 * tables from the subnets it creates.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway
 * https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html (pricing: no charge)
 */
export function s3GatewayEndpoint(region: string) {
  return { serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway" } as const;
}

/**
 * The VPC comes from awsx: its subnet and route-table wiring is well tested upstream and nothing in
 * it needs asserting beyond the inputs given here. It is a remote component, so under mocks only
 * those inputs are visible; tests assert them.
 *
 * Egress is NAT plus the free S3 gateway endpoint. Tasks need ECR (api + dkr), S3 for layers and
 * CloudWatch Logs: three interface endpoints per AZ cost about as much as one NAT gateway for two
 * AZs and more for three, and NAT also serves whatever the application calls. `test` shares one NAT (a zone loss
 * there also loses egress, accepted for cost); `prod` has one per AZ so a zone loss cannot cut the
 * surviving zones off.
 */
export function createNetwork(ctx: AwsContext, ports: { listenerPorts: number[] }): AwsNetwork {
  const { name, args, opts } = ctx;
  const vpc = new awsx.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: "10.0.0.0/16",
      availabilityZoneNames: [...args.zones],
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetStrategy: "Auto",
      subnetSpecs: [
        { type: awsx.ec2.SubnetType.Public, cidrMask: 24 },
        // Private subnets are larger: every Fargate task takes an address, surge doubles them.
        { type: awsx.ec2.SubnetType.Private, cidrMask: 20 },
      ],
      natGateways: {
        strategy:
          args.natGateways === "perZone"
            ? awsx.ec2.NatGatewayStrategy.OnePerAz
            : awsx.ec2.NatGatewayStrategy.Single,
      },
      vpcEndpointStrategy: awsx.ec2.VpcEndpointStrategy.Auto,
      vpcEndpointSpecs: [s3GatewayEndpoint(args.region)],
    },
    { parent: opts.parent, providers: { aws: opts.provider as aws.Provider } },
  );

  const albSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-alb-sg`,
    {
      vpcId: vpc.vpcId,
      description: "Load balancer: HTTP(S) from the internet, out to tasks only",
    },
    opts,
  );
  const taskSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-task-sg`,
    { vpcId: vpc.vpcId, description: "Tasks: the container port from the load balancer only" },
    opts,
  );

  // Rules are separate resources rather than inline blocks, so one changed rule never rewrites the
  // whole group, and a security group created here has no implicit allow-all egress.
  const rules: pulumi.Resource[] = [];
  for (const port of ports.listenerPorts) {
    const rule = new aws.vpc.SecurityGroupIngressRule(
      `${name}-alb-in-${port}`,
      {
        securityGroupId: albSecurityGroup.id,
        description: `Clients to the listener on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
      },
      opts,
    );
    rules.push(rule);
  }
  rules.push(
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out-task`,
      {
        securityGroupId: albSecurityGroup.id,
        description: "Load balancer to tasks on the container port",
        ipProtocol: "tcp",
        fromPort: args.containerPort,
        toPort: args.containerPort,
        referencedSecurityGroupId: taskSecurityGroup.id,
      },
      opts,
    ),
  );
  rules.push(
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-task-in-alb`,
      {
        securityGroupId: taskSecurityGroup.id,
        description: "Container port from the load balancer only",
        ipProtocol: "tcp",
        fromPort: args.containerPort,
        toPort: args.containerPort,
        referencedSecurityGroupId: albSecurityGroup.id,
      },
      opts,
    ),
  );
  // Tasks pull images from ECR and ship logs over HTTPS through NAT; nothing else leaves them.
  // DNS goes to the VPC resolver, which security groups do not filter.
  rules.push(
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-task-out-https`,
      {
        securityGroupId: taskSecurityGroup.id,
        description: "HTTPS to AWS APIs (ECR, CloudWatch Logs)",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      },
      opts,
    ),
  );

  return {
    vpcId: vpc.vpcId,
    publicSubnetIds: vpc.publicSubnetIds,
    privateSubnetIds: vpc.privateSubnetIds,
    albSecurityGroup,
    taskSecurityGroup,
    taskPrerequisites: [vpc, ...rules],
  };
}
