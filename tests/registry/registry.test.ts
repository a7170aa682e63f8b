import assert from "node:assert/strict";
import { Cloud } from "../../components/cloud";
import { isPinnedByDigest, repositoryOf } from "../../components/image";
import { sharedRegistryName } from "../../providers/azure/registry";
import { mockAccount } from "../../tools/plan/mocks/types";
import { main } from "../../tools/plan/cli";
import { runInProcess } from "../helpers/command";
import { json, ofType, one, planStack } from "../helpers/plan";

const digest = `sha256:${"ab".repeat(32)}`;
const account = mockAccount.awsAccountId;
const subscription = mockAccount.azureSubscriptionId;

/** The shared repository each cloud's bootstrap creates, for the prod stack's region/project. */
const sharedRepository: Record<Cloud, string> = {
  aws: `${account}.dkr.ecr.us-east-1.amazonaws.com/ha-web-service/web`,
  gcp: "us-central1-docker.pkg.dev/acme-ha-web-prod/ha-web-service/web",
  azure: `${sharedRegistryName(subscription)}.azurecr.io/web`,
};

/** Runs the plan command's main in this process; its exit code and output. */
async function planCli(...args: string[]) {
  const { code, stdout, stderr } = await runInProcess("plan", main, args);
  return { status: code, output: `${stdout}${stderr}` };
}

describe("image references", () => {
  const rows: [string, boolean, string][] = [
    [`r.example.com/team/web@${digest}`, true, "r.example.com/team/web"],
    [`r.example.com/team/web:1.0.0@${digest}`, true, "r.example.com/team/web"],
    ["r.example.com:5000/team/web:1.0.0", false, "r.example.com:5000/team/web"],
    ["r.example.com/team/web", false, "r.example.com/team/web"],
  ];
  for (const [image, pinned, repository] of rows) {
    it(`${image}: ${pinned ? "pinned" : "not pinned"}, repository ${repository}`, () => {
      assert.equal(isPinnedByDigest(image), pinned);
      assert.equal(repositoryOf(image), repository);
    });
  }
});

describe("prod deploys by digest only", () => {
  it("refuses a tag-only image: exit 2, and the message names the key and the value", async () => {
    const image = `${sharedRepository.aws}:1.0.0`;
    const { status, output } = await planCli(
      "--stack",
      "prod",
      "--cloud",
      "aws",
      "-c",
      `image=${image}`,
    );
    assert.equal(status, 2, output);
    assert.match(
      output,
      new RegExp(
        `ha-web-service:image: expected an image pinned by digest on prod, <repository>@sha256:<64 hex digits>, the digest test ran; got "${image.replace(/[.]/g, "\\.")}"`,
      ),
    );
  });

  it("accepts the same repository by digest on prod", async () => {
    const { status, output } = await planCli(
      "--stack",
      "prod",
      "--cloud",
      "aws",
      "-c",
      `image=${sharedRepository.aws}@${digest}`,
    );
    assert.equal(status, 0, output);
  });

  it("lets test take a tag for a hand deploy", async () => {
    const { status, output } = await planCli(
      "--stack",
      "test",
      "--cloud",
      "aws",
      "-c",
      `image=${sharedRepository.aws}:1.0.0`,
    );
    assert.equal(status, 0, output);
  });
});

describe("the service stack pulls from the shared registry and creates none", () => {
  const registryTypes = [
    "aws:ecr/repository:Repository",
    "gcp:artifactregistry/repository:Repository",
    "azure-native:containerregistry:Registry",
  ];
  const clouds: Cloud[] = ["aws", "gcp", "azure"];
  for (const cloud of clouds) {
    const image = `${sharedRepository[cloud]}@${digest}`;
    const load = () => planStack("prod", cloud, { image });

    it(`${cloud}: no registry in the stack, so a fresh stack needs nothing targeted first`, async () => {
      const plan = await load();
      assert.deepEqual(
        plan.resources.filter((r) => registryTypes.includes(r.type)).map((r) => r.type),
        [],
      );
      // Without an image, the plans of both stacks still register no registry.
      for (const stack of ["test", "prod"]) {
        const bare = await planStack(stack, cloud);
        assert.equal(bare.resources.filter((r) => registryTypes.includes(r.type)).length, 0);
      }
    });

    it(`${cloud}: the instances run ${"<repository>@sha256:<digest>"}`, async () => {
      const plan = await load();
      const text = JSON.stringify(plan.resources, (key, value: unknown) =>
        // Azure's cloud-init goes in base64, as the VMSS API takes it.
        key === "customData" && typeof value === "string"
          ? Buffer.from(value, "base64").toString("utf8")
          : value,
      );
      assert.ok(text.includes(image), `no resource runs ${image}`);
      assert.ok(!text.includes(`${sharedRepository[cloud]}:`), "a tag of the repository is used");
    });
  }

  it("aws: the execution role reads the image's repository and no other", async () => {
    const plan = await planStack("prod", "aws", { image: `${sharedRepository.aws}@${digest}` });
    const policy = json<{ Statement: { Sid: string; Resource: unknown }[] }>(
      one(plan, "aws:iam/rolePolicy:RolePolicy", "web-execution").inputs.policy,
    );
    const pull = policy.Statement.find((s) => s.Sid === "PullThisRepository");
    assert.equal(pull?.Resource, `arn:aws:ecr:us-east-1:${account}:repository/ha-web-service/web`);
  });

  it("gcp: the instances' account reads the image's repository, wherever its project is", async () => {
    const image = `europe-west1-docker.pkg.dev/acme-images/shared/web@${digest}`;
    const plan = await planStack("prod", "gcp", { image });
    const member = one(plan, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
    assert.deepEqual(
      {
        project: member.inputs.project,
        location: member.inputs.location,
        repository: member.inputs.repository,
        role: member.inputs.role,
      },
      {
        project: "acme-images",
        location: "europe-west1",
        repository: "shared",
        role: "roles/artifactregistry.reader",
      },
    );
  });

  it("gcp: an image outside Artifact Registry gets no repository grant", async () => {
    const plan = await planStack("test", "gcp", { image: `ghcr.io/acme/web@${digest}` });
    assert.deepEqual(
      ofType(plan, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"),
      [],
    );
  });

  it("azure: AcrPull is scoped to the shared registry in its fixed resource group", async () => {
    const plan = await planStack("prod", "azure", { image: `${sharedRepository.azure}@${digest}` });
    assert.equal(
      one(plan, "azure-native:authorization:RoleAssignment", "web-acr-pull").inputs.scope,
      `/subscriptions/${subscription}/resourceGroups/ha-web-service-images/providers/Microsoft.ContainerRegistry/registries/${sharedRegistryName(subscription)}`,
    );
  });
});
