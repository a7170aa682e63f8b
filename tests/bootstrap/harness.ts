import * as pulumi from "@pulumi/pulumi";
import { mockAccount } from "../../tools/plan/mocks/types";
import { PlannedResource, RecordingMocks } from "../../tools/plan/recorder";
import { buildBootstrap } from "../../bootstrap/program";

export type { PlannedResource };

const account = mockAccount.awsAccountId;
const subscription = mockAccount.azureSubscriptionId;

/**
 * The main program's recording mocks plus what the providers compute for the bootstrap's own
 * resource types and invokes. Kept here rather than in tools/plan/mocks because only these tests
 * register these types; the recorder still refuses any invoke nobody answers.
 */
class BootstrapMocks extends RecordingMocks {
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const result = super.newResource(args);
    const state = result.state as Record<string, unknown>;
    const name = String(state.name);
    const extra = outputsFor(args, name);
    return {
      id: extra.id === undefined ? result.id : String(extra.id),
      state: { ...state, ...extra },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    if (args.token === "azure-native:authorization:getClientConfig") {
      this.invokes.push({ token: args.token, inputs: args.inputs });
      return {
        subscriptionId: subscription,
        tenantId: mockAccount.azureTenantId,
        clientId: "22222222-2222-2222-2222-222222222222",
        objectId: "33333333-3333-3333-3333-333333333333",
      };
    }
    return super.call(args);
  }
}

function outputsFor(args: pulumi.runtime.MockResourceArgs, name: string): Record<string, unknown> {
  const inputs = args.inputs as Record<string, string>;
  switch (args.type) {
    case "aws:s3/bucket:Bucket":
      return { bucket: name, arn: `arn:aws:s3:::${name}` };
    case "aws:kms/key:Key":
      return {
        keyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
        arn: `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { arn: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com` };
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::${account}:policy/${name}` };
    case "aws:ecr/repository:Repository":
      return {
        repositoryUrl: `${account}.dkr.ecr.us-east-1.amazonaws.com/${inputs.name}`,
        arn: `arn:aws:ecr:us-east-1:${account}:repository/${inputs.name}`,
      };
    case "aws:iam/role:Role":
      return { name, arn: `arn:aws:iam::${account}:role/${name}` };
    case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool":
      return {
        name: `projects/${mockAccount.gcpProjectNumber}/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}`,
      };
    case "gcp:serviceaccount/account:Account": {
      const email = `${inputs.accountId}@acme-ha-web-test.iam.gserviceaccount.com`;
      return { email, name: `projects/acme-ha-web-test/serviceAccounts/${email}` };
    }
    case "gcp:kms/cryptoKey:CryptoKey":
      return {
        id: `projects/acme-ha-web-test/locations/us-central1/keyRings/ha-web-service/cryptoKeys/${inputs.name}`,
      };
    case "azure-native:storage:BlobContainer":
      return {
        name: inputs.containerName,
        id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/${inputs.containerName}`,
      };
    case "azure-native:resources:ResourceGroup":
      return {
        id: `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName ?? name}`,
      };
    case "azure-native:keyvault:Vault":
      return {
        id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`,
      };
    case "azure-native:keyvault:Key":
      return { name: inputs.keyName };
    case "azure-native:containerregistry:Registry":
      return {
        loginServer: `${name}.azurecr.io`,
        id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`,
      };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { principalId: `principal-of-${args.name}`, clientId: `client-of-${args.name}` };
    // ARM ids as Azure forms them, so tests can compare the host image version the bootstrap
    // builds with the one the stacks derive (providers/azure/hostImage.ts).
    case "azure-native:compute:Gallery":
      return {
        name: inputs.galleryName,
        id: `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Compute/galleries/${inputs.galleryName}`,
      };
    case "azure-native:compute:GalleryImage":
      return {
        name: inputs.galleryImageName,
        id: `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Compute/galleries/${inputs.galleryName}/images/${inputs.galleryImageName}`,
      };
    case "azure-native:authorization:RoleDefinition":
      return {
        id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/44444444-4444-4444-4444-444444444444`,
      };
    default:
      return {};
  }
}

export interface BootstrapRun {
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;
  /** `type::name` of every resource registered with `protect: true`. */
  readonly protected: ReadonlySet<string>;
}

/** Bootstrap configuration per cloud, as an admin would set it. */
export const bootstrapConfig = {
  aws: {
    "ha-web-service-bootstrap:cloud": "aws",
    "ha-web-service-bootstrap:githubRepository": "acme/ha-web-service",
    "ha-web-service-bootstrap:githubRepositoryId": "123456789",
    "aws:region": "us-east-1",
  },
  gcp: {
    "ha-web-service-bootstrap:cloud": "gcp",
    "ha-web-service-bootstrap:githubRepository": "acme/ha-web-service",
    "ha-web-service-bootstrap:githubRepositoryId": "123456789",
    "gcp:project": "acme-ha-web-test",
    "gcp:region": "us-central1",
  },
  azure: {
    "ha-web-service-bootstrap:cloud": "azure",
    "ha-web-service-bootstrap:githubRepository": "acme/ha-web-service",
    "ha-web-service-bootstrap:githubRepositoryId": "123456789",
    "azure-native:location": "eastus",
  },
} as const;

const cache = new Map<string, Promise<BootstrapRun>>();
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the bootstrap program under mocks with `config` and returns what it registered. Runs are
 * queued (mocks and config are process-global) and cached per configuration.
 */
export function runBootstrap(config: Readonly<Record<string, string>>): Promise<BootstrapRun> {
  const key = JSON.stringify(config);
  let run = cache.get(key);
  if (!run) {
    run = queue.then(() => runOnce(config));
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    cache.set(key, run);
  }
  return run;
}

async function runOnce(config: Readonly<Record<string, string>>): Promise<BootstrapRun> {
  pulumi.runtime.setAllConfig({ ...config }, []);
  const mocks = new BootstrapMocks();
  await pulumi.runtime.setMocks(mocks, "ha-web-service-bootstrap", "bootstrap", false);
  mocks.hookMonitor();
  // The recorder keeps inputs, not options; the registration request the SDK sends the monitor
  // carries `protect` (pulumi/pulumi sdk/nodejs/proto/resource_pb RegisterResourceRequest).
  const protectedResources = new Set<string>();
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(
      req: { getType(): string; getName(): string; getProtect(): boolean },
      callback: unknown,
    ): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    if (req.getProtect()) protectedResources.add(`${req.getType()}::${req.getName()}`);
    return register(req, callback);
  };
  const program = buildBootstrap();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = await new Promise((resolve) => pulumi.output(value).apply(resolve));
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- not in the typings; see tools/plan/run.ts
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs?: () => Promise<void>;
  };
  await settings.waitForRPCs?.();
  await new Promise((resolve) => setImmediate(resolve));
  if (mocks.errors.length > 0) throw new Error(mocks.errors.join("\n"));
  return { resources: mocks.resources, outputs, protected: protectedResources };
}

/** Every resource of a type, in registration order. */
export function ofType(run: BootstrapRun, type: string): PlannedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** The one resource of a type and name; fails with the names found otherwise. */
export function named(run: BootstrapRun, type: string, name: string): PlannedResource {
  const found = ofType(run, type).filter((resource) => resource.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named ${name}; found ${
        ofType(run, type)
          .map((r) => r.name)
          .join(", ") || "none"
      }`,
    );
  }
  return found[0];
}
