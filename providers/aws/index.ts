import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CloudImplementation } from "../types";

export function validate(): string[] {
  return [];
}

export const deploy: CloudImplementation = (name, args, parent) => {
  const provider = new aws.Provider(
    `${name}-aws`,
    { region: args.region as aws.Region, defaultTags: { tags: args.tags } },
    { parent },
  );
  const repo = new aws.ecr.Repository(`${name}-repo`, {}, { parent, provider });
  return {
    url: pulumi.interpolate`http://${repo.repositoryUrl}`,
    instanceGroup: pulumi.output({
      kind: "ecs-service" as const,
      region: args.region,
      cluster: "c",
      service: "s",
    }),
  };
};
