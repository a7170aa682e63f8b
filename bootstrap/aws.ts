import * as pulumi from "@pulumi/pulumi";
import * as aws from "../providers/aws/sdk";
import {
  deployPolicies,
  deployPolicyCount,
  previewPolicy,
  workloadBoundaryName,
  workloadBoundaryPolicy,
} from "./awsPolicies";
import {
  awsAudience,
  deploySubject,
  githubIssuer,
  githubTrustPolicy,
  pipelineSubjects,
} from "./trust";
import { keepBucketPrivate } from "../providers/aws/bucket";
import { BootstrapImplementation, environmentVariables } from "./types";

/** Name prefix of the main program's roles and repository; see `AwsPolicyScope`. */
export const workloadNamePrefix = "web-";
/** The main program's Pulumi project, whose stacks the deploy roles may write. */
export const workloadProject = "ha-web-service";

/**
 * AWS: an S3 state bucket encrypted with a KMS key that also encrypts stack secrets, GitHub's OIDC
 * provider, and a read-only and a deploy role per environment. The account's one image registry
 * is created beside them by registry.ts (the shared layer, docs/decisions.md): the pipeline pushes
 * each image once, and both stacks pull it by digest.
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

  // Protected: deleting the key (or the bucket below) loses every stack's state and secrets,
  // and `pulumi destroy` of the bootstrap must not be able to do that by accident.
  const key = new aws.kms.Key(
    `${name}-state-key`,
    {
      description: "Encrypts the Pulumi state bucket and the stacks' secrets",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    { ...opts, protect: true },
  );
  const keyAlias = new aws.kms.Alias(
    `${name}-state-key`,
    { name: "alias/ha-web-service-state", targetKeyId: key.keyId },
    opts,
  );

  const bucket = new aws.s3.Bucket(
    `${name}-state`,
    { forceDestroy: false },
    { ...opts, protect: true },
  );
  const privacy = keepBucketPrivate(`${name}-state`, bucket.id, opts);
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
    { ...opts, dependsOn: privacy },
  );

  // AWS verifies GitHub's certificate against its own trust store, so no thumbprint is pinned
  // here (a pinned one breaks when GitHub rotates its certificate).
  const oidc = new aws.iam.OpenIdConnectProvider(
    `${name}-github`,
    { url: githubIssuer, clientIdLists: [awsAudience] },
    opts,
  );

  const subjects = pipelineSubjects(settings.githubRepository, settings.environments);
  const boundaryArn = pulumi.interpolate`arn:${partition.partition}:iam::${caller.accountId}:policy/${workloadBoundaryName}`;
  const scope = pulumi
    .all([partition.partition, caller.accountId, bucket.arn, key.arn, boundaryArn])
    .apply(([partitionName, accountId, stateBucketArn, stateKeyArn, boundary]) => ({
      partition: partitionName,
      accountId,
      regions: settings.workloadRegions,
      stateBucketArn,
      stateKeyArn,
      workloadNamePrefix,
      project: workloadProject,
      boundaryArn: boundary,
    }));
  const boundary = new aws.iam.Policy(
    `${name}-workload-boundary`,
    {
      // A fixed name: the main stacks refer to it by ARN (`awsPermissionsBoundary`).
      name: workloadBoundaryName,
      description: "Permissions boundary of every role the ha-web-service deploy roles create",
      policy: scope.apply((s) => JSON.stringify(workloadBoundaryPolicy(s))),
    },
    opts,
  );

  /** A role GitHub can federate into, with customer-managed policies attached. */
  const pipelineRole = (
    label: string,
    trusted: readonly string[],
    documents: pulumi.Output<string>[],
  ): aws.iam.Role => {
    const iamRole = new aws.iam.Role(
      `${name}-${label}`,
      {
        description: `GitHub Actions ${label} for ${settings.githubRepository}`,
        assumeRolePolicy: oidc.arn.apply((arn) =>
          JSON.stringify(githubTrustPolicy(arn, trusted, settings.githubRepositoryId)),
        ),
        // A deploy that outlives an hour fails; the same bound limits a leaked session.
        maxSessionDuration: 3600,
      },
      opts,
    );
    // Customer-managed policies rather than inline: each is versioned and can be reviewed on its
    // own. The first keeps the name the role had with one policy, so it is not replaced.
    documents.forEach((document, index) => {
      const policyName = index === 0 ? `${name}-${label}` : `${name}-${label}-${index + 1}`;
      const policy = new aws.iam.Policy(
        policyName,
        { description: `What ${label} of ha-web-service may do`, policy: document },
        { ...opts, dependsOn: [boundary] },
      );
      new aws.iam.RolePolicyAttachment(
        policyName,
        { role: iamRole.name, policyArn: policy.arn },
        opts,
      );
    });
    return iamRole;
  };

  const preview = pipelineRole("preview", subjects.preview, [
    scope.apply((s) => JSON.stringify(previewPolicy(s))),
  ]);
  // One deploy role per environment, each trusted only by its environment's subject and allowed
  // only its own stack's state: a job that declares `environment: test` cannot deploy prod.
  const deployRoles = Object.fromEntries(
    settings.environments.map((environment) => [
      environment,
      pipelineRole(
        `deploy-${environment}`,
        [deploySubject(settings.githubRepository, environment)],
        [...Array(deployPolicyCount).keys()].map((part) =>
          scope.apply((s) => JSON.stringify(deployPolicies(s, environment)[part])),
        ),
      ),
    ]),
  );

  const backendUrl = pulumi.interpolate`s3://${bucket.bucket}?region=${settings.region}`;
  const secretsProvider = pulumi.interpolate`awskms://${keyAlias.name}?region=${settings.region}`;
  return {
    backendUrl,
    secretsProvider,
    githubVariables: pulumi
      .all([backendUrl, secretsProvider, preview.arn])
      .apply(([backend, secrets, previewArn]): Record<string, string> => ({
        PULUMI_BACKEND_URL: backend,
        PULUMI_SECRETS_PROVIDER: secrets,
        AWS_PREVIEW_ROLE_ARN: previewArn,
      })),
    githubEnvironmentVariables: environmentVariables(settings.environments, (environment) =>
      deployRoles[environment].arn.apply((arn): Record<string, string> => ({
        AWS_DEPLOY_ROLE_ARN: arn,
      })),
    ),
    stackConfig: boundary.arn.apply((arn): Record<string, string> => ({
      awsPermissionsBoundary: arn,
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
