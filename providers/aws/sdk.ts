// The @pulumi/aws modules this project uses, one by one: the package root's declarations reference
// every AWS service (about 2,700 files), which the type-check and type-aware lint would load (see
// scripts/static-checks.ts). Imported as `aws`, so code reads `aws.ecs.X` as with the root. Only
// the VPC (network.ts) still loads the root, through @pulumi/awsx, whose declarations import it.
export * as acm from "@pulumi/aws/acm";
export * as appautoscaling from "@pulumi/aws/appautoscaling";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecr from "@pulumi/aws/ecr";
export * as ecs from "@pulumi/aws/ecs";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lb from "@pulumi/aws/lb";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as sns from "@pulumi/aws/sns";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { Provider } from "@pulumi/aws/provider";
export type { Region } from "@pulumi/aws/types/enums";
