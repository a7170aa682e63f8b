/**
 * The pack as the Pulumi CLI runs it: `pulumi preview --policy-pack policy` starts
 * `@pulumi/pulumi/cmd/run-policy-pack` in the pack's directory, which compiles `index.ts` with
 * ts-node (type-checked), constructs the PolicyPack and prints the port of its analyzer gRPC
 * server; the engine then calls `GetAnalyzerInfo` and `Analyze` on it. This test does the same,
 * so a pack that only works when imported by tests (a wrong import, a type error under the
 * runner's compiler options, a policy the server rejects) fails here.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { policies } from "../../policy/policies";

const root = join(__dirname, "..", "..");
const packDir = join(root, "policy");

// The gRPC client and generated stubs are the ones @pulumi/pulumi itself uses; resolving them from
// its location keeps the test on the exact versions the analyzer server speaks.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = fromPulumi("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const services = fromPulumi("@pulumi/pulumi/proto/analyzer_grpc_pb") as {
  AnalyzerClient: new (address: string, credentials: unknown) => AnalyzerClient;
};
const messages = fromPulumi("@pulumi/pulumi/proto/analyzer_pb") as {
  AnalyzeRequest: new () => AnalyzeRequest;
  AnalyzerResourceOptions: new () => object;
};
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(value: object): object };
};
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb") as {
  Empty: new () => object;
};

interface AnalyzeRequest {
  setType(v: string): void;
  setName(v: string): void;
  setUrn(v: string): void;
  setProperties(v: object): void;
  setOptions(v: object): void;
}
type Callback<T> = (error: Error | null, value: T) => void;
interface AnalyzerClient {
  getAnalyzerInfo(request: object, callback: Callback<AnalyzerInfo>): void;
  analyze(request: AnalyzeRequest, callback: Callback<AnalyzeResponse>): void;
  close(): void;
}
interface AnalyzerInfo {
  getName(): string;
  getPoliciesList(): Array<{ getName(): string; getEnforcementlevel(): number }>;
}
interface AnalyzeResponse {
  getDiagnosticsList(): Array<{ getPolicyname(): string; getMessage(): string }>;
}

const call = <T>(fn: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) =>
    fn((error, value) => (error ? reject(error) : resolve(value))),
  );

describe("policy pack under the Pulumi CLI's runner", function () {
  this.timeout(90_000);
  let child: ChildProcess | undefined;
  let client: AnalyzerClient | undefined;

  before(async () => {
    // The first argument is the engine's address, which the pack only uses for logging.
    child = spawn(
      process.execPath,
      [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."],
      { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    const port = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => reject(new Error(`no port after 60 s:\n${stderr}`)), 60_000);
      child?.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^(\d+)\s*$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child?.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child?.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the pack exited with ${code}:\n${stderr}`));
      });
    });
    client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("serves every policy of policies.ts under the pack's name", async () => {
    const info = await call<AnalyzerInfo>((cb) => client!.getAnalyzerInfo(new Empty(), cb));
    assert.equal(info.getName(), "ha-web-service");
    assert.deepEqual(
      info.getPoliciesList().map((p) => p.getName()),
      policies.map((p) => p.name),
    );
  });

  /** Sends one resource through Analyze and returns `[policy, message]` per diagnostic. */
  async function analyze(type: string, name: string, props: object) {
    const request = new messages.AnalyzeRequest();
    request.setType(type);
    request.setName(name);
    request.setUrn(`urn:pulumi:prod::ha-web-service::${type}::${name}`);
    request.setProperties(Struct.fromJavaScript(props));
    request.setOptions(new messages.AnalyzerResourceOptions());
    const response = await call<AnalyzeResponse>((cb) => client!.analyze(request, cb));
    // The engine's message is the policy's description, a newline, then the violation.
    return response
      .getDiagnosticsList()
      .map((d) => [d.getPolicyname(), d.getMessage().split("\n")[1]]);
  }

  it("applies configurable policies with their defaults when the pack has no config", async () => {
    assert.deepEqual(
      await analyze("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
      }),
      [
        [
          "ingress-only-to-listener-ports",
          "rule opens tcp port 22 to 0.0.0.0/0; only tcp 80, 443 (the listener ports) may be open to the internet",
        ],
        ["no-ssh-rdp-from-internet", "rule opens port 22 to 0.0.0.0/0"],
      ],
    );
  });

  it("still runs during a preview when only the presence of a not-yet-known id matters", async () => {
    // How the engine encodes a value that is unknown until the resource it comes from exists.
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    assert.deepEqual(
      await analyze("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "mig", {
        distributionPolicyZones: ["us-central1-a", "us-central1-b"],
        targetSize: 2,
        autoHealingPolicies: { healthCheck: unknown, initialDelaySec: 180 },
        updatePolicy: { maxUnavailableFixed: 0, maxSurgeFixed: 2 },
      }),
      [],
    );
  });

  it("reports a violation through the engine's Analyze call", async () => {
    assert.deepEqual(
      await analyze("aws:ecs/service:Service", "web-service", {
        desiredCount: 3,
        loadBalancers: [{ containerName: "web", containerPort: 8080 }],
        networkConfiguration: { assignPublicIp: true },
      }),
      [
        [
          "no-public-ip-on-instances",
          "networkConfiguration.assignPublicIp is true: tasks get public IPs; set it to false",
        ],
      ],
    );
  });
});
