import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { registryFromState, registryUrnFromPreview, typeOfUrn } from "../../tools/doctor/registry";
import { readStackTarget, toGithubOutput } from "../../tools/doctor/stackTarget";

const root = join(__dirname, "..", "..");
const projectFiles = (path: string) => {
  try {
    return readFileSync(join(root, path), "utf8");
  } catch {
    return undefined;
  }
};
const component = "urn:pulumi:test::ha-web-service::haweb:index:HighlyAvailableWebService";

describe("stack target (what the pipeline reads before logging in anywhere)", () => {
  for (const stack of ["test", "prod"]) {
    it(`${stack}: cloud, region and version come from Pulumi.${stack}.yaml`, () => {
      const target = readStackTarget(projectFiles, stack);
      const text = projectFiles(`Pulumi.${stack}.yaml`) ?? "";
      // The stack file is the source of truth; the target must agree with it line for line.
      assert.ok(text.includes(`ha-web-service:cloud: ${target.cloud}`));
      assert.ok(text.includes(`ha-web-service:appVersion: "${target.appVersion}"`));
      assert.equal(
        toGithubOutput(target),
        `cloud=${target.cloud}\nregion=${target.region}\napp_version=${target.appVersion}\ngcp_project=${target.gcpProject}\n`,
      );
    });
  }

  it("falls back to Pulumi.yaml's default cloud and the cloud's default region", () => {
    const files: Record<string, string> = {
      "Pulumi.yaml": "name: ha-web-service\nconfig:\n  cloud:\n    default: aws\n",
      "Pulumi.dev.yaml": 'config:\n  ha-web-service:appVersion: "2.0.0"\n',
    };
    assert.deepEqual(
      readStackTarget((p) => files[p], "dev"),
      {
        stack: "dev",
        cloud: "aws",
        region: "us-east-1",
        appVersion: "2.0.0",
        gcpProject: undefined,
        secrets: "none",
      },
    );
  });

  it("tells a KMS stack from a passphrase stack", () => {
    const kms = {
      "Pulumi.k.yaml": "secretsprovider: awskms://alias/x?region=us-east-1\nencryptedkey: abc\n",
    };
    const pass = { "Pulumi.p.yaml": "encryptionsalt: v1:abc\n" };
    assert.equal(
      readStackTarget((p) => (kms as Record<string, string>)[p], "k").secrets,
      "cloud-kms",
    );
    assert.equal(
      readStackTarget((p) => (pass as Record<string, string>)[p], "p").secrets,
      "passphrase",
    );
  });

  const bad: [string, Record<string, string>, string, string][] = [
    [
      "a missing stack file",
      {},
      "qa",
      "stack: no Pulumi.qa.yaml in the project; create it with pulumi stack init qa",
    ],
    [
      "an unknown cloud",
      { "Pulumi.qa.yaml": "config:\n  ha-web-service:cloud: awz\n" },
      "qa",
      'ha-web-service:cloud in Pulumi.qa.yaml: expected one of aws, gcp, azure; got "awz"',
    ],
    [
      "a stack name with a path in it",
      {},
      "../etc",
      'stack: expected a stack name such as test; got "../etc"',
    ],
  ];
  for (const [label, files, stack, message] of bad) {
    it(`refuses ${label}`, () => {
      assert.throws(() => readStackTarget((p) => files[p], stack), { message });
    });
  }
});

describe("finding the stack's image registry", () => {
  const exported = (resources: { urn: string; outputs: Record<string, unknown> }[]) => ({
    version: 3,
    deployment: { resources },
  });

  it("reads the registry type from a URN with parents", () => {
    assert.equal(
      typeOfUrn(`${component}$aws:ecr/repository:Repository::web-repo`),
      "aws:ecr/repository:Repository",
    );
  });

  // Each cloud names the pushed image differently; these are the names the program's default
  // image (`<registry>/web:<appVersion>`) uses.
  const rows: [string, string, Record<string, unknown>, string][] = [
    [
      "aws",
      "aws:ecr/repository:Repository::web-repo",
      { repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-repo-1a2b3c4" },
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-repo-1a2b3c4",
    ],
    [
      "gcp",
      "gcp:artifactregistry/repository:Repository::web-images",
      { location: "us-central1", project: "acme-ha-web-test", repositoryId: "web-images" },
      "us-central1-docker.pkg.dev/acme-ha-web-test/web-images/web",
    ],
    [
      "azure",
      "azure-native:containerregistry:Registry::webacr",
      { loginServer: "webacr1a2b3c4d.azurecr.io" },
      "webacr1a2b3c4d.azurecr.io/web",
    ],
  ];
  for (const [cloud, suffix, outputs, repository] of rows) {
    it(`${cloud}: repository and host from the stack export`, () => {
      const urn = `${component}$${suffix}`;
      assert.deepEqual(
        registryFromState(
          exported([
            { urn: `${component}::web`, outputs: {} },
            { urn, outputs },
          ]),
        ),
        {
          urn,
          repository,
          host: repository.split("/")[0],
        },
      );
    });
  }

  it("finds nothing before the first deploy, and the URN to create from a preview", () => {
    assert.equal(registryFromState(exported([])), undefined);
    const urn = `${component}$aws:ecr/repository:Repository::web-repo`;
    assert.equal(
      registryUrnFromPreview({
        steps: [
          { urn: `${component}::web` },
          { urn },
          { urn: `${component}$aws:ecs/service:Service::web-service` },
        ],
      }),
      urn,
    );
  });

  it("ignores registries outside the service component", () => {
    const other = "urn:pulumi:test::ha-web-service::aws:ecr/repository:Repository::other";
    assert.equal(
      registryFromState(exported([{ urn: other, outputs: { repositoryUrl: "x/other" } }])),
      undefined,
    );
  });
});
