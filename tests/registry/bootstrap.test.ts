import assert from "node:assert/strict";
import { Cloud } from "../../components/cloud";
import { sharedRegistryName } from "../../providers/azure/registry";
import { mockAccount } from "../../tools/plan/mocks/types";
import { bootstrapConfig, ofType, runBootstrap } from "../bootstrap/harness";

const account = mockAccount.awsAccountId;
const subscription = mockAccount.azureSubscriptionId;

/**
 * The stacks find the shared registry by name, without reading the bootstrap's state; these are
 * the repositories they derive (tests/registry/registry.test.ts) for the bootstrap's region.
 */
const derivedByStacks: Record<Cloud, string> = {
  aws: `${account}.dkr.ecr.us-east-1.amazonaws.com/ha-web-service/web`,
  gcp: "us-central1-docker.pkg.dev/acme-ha-web-test/ha-web-service/web",
  azure: `${sharedRegistryName(subscription)}.azurecr.io/web`,
};

const registryType: Record<Cloud, string> = {
  aws: "aws:ecr/repository:Repository",
  gcp: "gcp:artifactregistry/repository:Repository",
  azure: "azure-native:containerregistry:Registry",
};

describe("bootstrap: the shared image registry", () => {
  for (const cloud of ["aws", "gcp", "azure"] as const) {
    it(`${cloud}: one registry, at the address the stacks derive`, async () => {
      const run = await runBootstrap(bootstrapConfig[cloud]);
      const registries = ofType(run, registryType[cloud]);
      assert.equal(registries.length, 1);
      assert.equal(run.outputs.imageRepository, derivedByStacks[cloud]);
    });
  }

  it("aws: tags are immutable and every push is scanned", async () => {
    const [repo] = ofType(await runBootstrap(bootstrapConfig.aws), registryType.aws);
    assert.equal(repo.inputs.name, "ha-web-service/web");
    assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
    assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
  });

  it("gcp: tags are immutable", async () => {
    const [repo] = ofType(await runBootstrap(bootstrapConfig.gcp), registryType.gcp);
    assert.deepEqual(repo.inputs.dockerConfig, { immutableTags: true });
    assert.equal(repo.inputs.repositoryId, "ha-web-service");
    assert.equal(repo.inputs.format, "DOCKER");
    // Versions to roll back to are kept; untagged layers (superseded pushes) go after a week.
    assert.equal(repo.inputs.cleanupPolicyDryRun, false);
    assert.deepEqual(repo.inputs.cleanupPolicies, [
      { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
      {
        id: "delete-untagged",
        action: "DELETE",
        condition: { tagState: "UNTAGGED", olderThan: "604800s" },
      },
    ]);
  });

  it("azure: no admin user, no anonymous pull, in the fixed resource group", async () => {
    const run = await runBootstrap(bootstrapConfig.azure);
    const [acr] = ofType(run, registryType.azure);
    assert.equal(acr.inputs.registryName, sharedRegistryName(subscription));
    assert.equal(acr.inputs.adminUserEnabled, false);
    assert.equal(acr.inputs.anonymousPullEnabled, false);
    const groups = ofType(run, "azure-native:resources:ResourceGroup").map(
      (g) => g.inputs.resourceGroupName,
    );
    assert.ok(groups.includes("ha-web-service-images"), JSON.stringify(groups));
  });
});
