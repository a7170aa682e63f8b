import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { deployPolicy, previewPolicy } from "./awsPolicies";
import {
  awsAudience,
  githubIssuer,
  githubTrustPolicy,
  pipelineRoles,
  pipelineSubjects,
} from "./trust";
import { BootstrapImplementation } from "./types";

/** Name prefix of the main program's roles and repository; see `AwsPolicyScope`. */
export const workloadNamePrefix = "web-";

/**
 * AWS: an S3 state bucket encrypted with a KMS key that also encrypts stack secrets, GitHub's OIDC
 * provider, and a read-only and a deploy role. The image registry is not here: each stack of the
 * main program creates its own, and the pipeline pushes to it.
 *
 * No DynamoDB table: that is Terraform's S3 locking. Pulumi's S3 backend locks a stack by writing
 * a lock object into the bucket itself (`.pulumi/locks/...`) and refuses to update while one
 * exists, so the bucket is all it needs.
 */
export const deployAws: BootstrapImplementation = (name, settings, parent) => {
  const provider = new aws.Provider(
    `${name}-aws`,
    { region: settings.region as aws.Region, defaultTags: { tags: settings.tags } },
    { parent },
  );
  const opts = { parent, provider };
  const caller = aws.getCallerIdentityOutput({}, opts);
  const partition = aws.getPartitionOutput({}, opts);

  const key = new aws.kms.Key(
    `${name}-state-key`,
    {
      description: "Encrypts the Pulumi state bucket and the stacks' secrets",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    opts,
  );
  const keyAlias = new aws.kms.Alias(
    `${name}-state-key`,
    { name: "alias/ha-web-service-state", targetKeyId: key.keyId },
    opts,
  );

  const bucket = new aws.s3.Bucket(`${name}-state`, { forceDestroy: false }, opts);
  // Ownership and the public access block first: a bucket policy or object written before them
  // could be public for a moment.
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-state`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-state`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  // Versioning is the state's undo: every checkpoint Pulumi overwrites stays recoverable.
  new aws.s3.BucketVersioning(
    `${name}-state`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-state`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
          // One data key per bucket instead of per object: far fewer KMS calls, same protection.
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-state`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: 90 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    },
    opts,
  );
  new aws.s3.BucketPolicy(
    `${name}-state`,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
    },
    { ...opts, dependsOn: [ownership, publicAccess] },
  );

  // AWS verifies GitHub's certificate against its own trust store, so no thumbprint is pinned
  // here (a pinned one breaks when GitHub rotates its certificate).
  const oidc = new aws.iam.OpenIdConnectProvider(
    `${name}-github`,
    { url: githubIssuer, clientIdLists: [awsAudience] },
    opts,
  );

  const subjects = pipelineSubjects(settings.githubRepository, settings.environments);
  const scope = pulumi
    .all([partition.partition, caller.accountId, bucket.arn, key.arn])
    .apply(([partitionName, accountId, stateBucketArn, stateKeyArn]) => ({
      partition: partitionName,
      accountId,
      regions: settings.workloadRegions,
      stateBucketArn,
      stateKeyArn,
      workloadNamePrefix,
    }));
  const policies = { preview: previewPolicy, deploy: deployPolicy };
  const roles = Object.fromEntries(
    pipelineRoles.map((role) => {
      const iamRole = new aws.iam.Role(
        `${name}-${role}`,
        {
          description: `GitHub Actions ${role} for ${settings.githubRepository}`,
          assumeRolePolicy: oidc.arn.apply((arn) =>
            JSON.stringify(githubTrustPolicy(arn, subjects[role])),
          ),
          // A deploy that outlives an hour fails; the same bound limits a leaked session.
          maxSessionDuration: 3600,
        },
        opts,
      );
      // A customer-managed policy rather than inline: it is versioned and can be reviewed and
      // reused (for example as a permissions boundary) on its own.
      const policy = new aws.iam.Policy(
        `${name}-${role}`,
        {
          description: `What ${role} of ha-web-service may do`,
          policy: scope.apply((s) => JSON.stringify(policies[role](s))),
        },
        opts,
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-${role}`,
        { role: iamRole.name, policyArn: policy.arn },
        opts,
      );
      return [role, iamRole];
    }),
  ) as Record<(typeof pipelineRoles)[number], aws.iam.Role>;

  const backendUrl = pulumi.interpolate`s3://${bucket.bucket}?region=${settings.region}`;
  const secretsProvider = pulumi.interpolate`awskms://${keyAlias.name}?region=${settings.region}`;
  return {
    backendUrl,
    secretsProvider,
    githubVariables: pulumi
      .all([backendUrl, secretsProvider, roles.preview.arn, roles.deploy.arn])
      .apply(([backend, secrets, previewArn, deployArn]): Record<string, string> => ({
        PULUMI_BACKEND_URL: backend,
        PULUMI_SECRETS_PROVIDER: secrets,
        AWS_PREVIEW_ROLE_ARN: previewArn,
        AWS_DEPLOY_ROLE_ARN: deployArn,
      })),
  };
};

/** Refuses every request to the bucket that does not come over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
