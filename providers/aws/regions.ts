/**
 * The AWS regions this project knows (see `CloudRegions`). Zone letters are per-account aliases
 * of the zone ids (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html), so
 * each row lists only letters that exist in every account of the region.
 */
import type { CloudRegions } from "../../components/cloudHome";

export const awsRegions: CloudRegions = {
  configKey: "aws:region",
  defaultRegion: "us-east-1",
  zones: {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"],
    "us-east-2": ["us-east-2a", "us-east-2b", "us-east-2c"],
    "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    "eu-west-2": ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
    "eu-central-1": ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    "ap-southeast-2": ["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"],
    "ap-northeast-1": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
  },
};
