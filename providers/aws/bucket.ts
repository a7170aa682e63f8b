import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";

/**
 * Object ownership enforced (ACLs off) and every public-access block on, for a bucket that must
 * never be public: the log bucket here and the bootstrap's state bucket. A bucket policy or object
 * written before these could be public for a moment, so policies depend on what this returns.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export function keepBucketPrivate(
  name: string,
  bucket: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
  const ownership = new aws.s3.BucketOwnershipControls(
    name,
    { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    name,
    {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  return [ownership, publicAccess];
}
