import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { resolveServiceArgs } from "../../components/args";
import { instanceSizes } from "../../components/cloud";
import { azureVmSize } from "../../components/sizing";
import { validate } from "../../providers/azure";
import { isNotFound, scaleSetName } from "../../providers/azure/compute";
import { workspaceRetentionDays } from "../../providers/azure/logging";
import { isBurstable, sizesMissingIn, zonalSkus } from "../../providers/azure/skus";
import { azureSshKeyProblem } from "../../providers/azure/sshKey";
import { knownRegions, zonesOf } from "../../stacks/regions";
import { mockLiveScaleSets } from "../../providers/azure/mocks";
import { planStack } from "../helpers/plan";
import { evaluatePolicies } from "../../tools/verify/policy";
import { Plan, runComponents, testStackArgs, types, vmProfileOf, withEdited } from "./helpers";

/**
 * One check per fault of issue 15 that the mocked plan can show. Each names the Microsoft page or
 * the engine/provider source it rests on, and fails on the value the code had before the fix.
 */
const prodArgs = testStackArgs({
  zones: ["1", "2", "3"],
  minInstances: 3,
  desiredInstances: 3,
  maxInstances: 12,
  instanceSize: "medium",
  deletionProtection: true,
});

describe("azure fault 1: a rollout never changes the instance count autoscale set", () => {
  afterEach(() => mockLiveScaleSets.clear());

  it("sends the live scale set's capacity, read at deploy time, not desiredInstances", async () => {
    // Autoscale has grown the deployed scale set from 3 to 7; the deploy is a version change.
    mockLiveScaleSets.set(scaleSetName("web"), { capacity: 7 });
    const plan = await planStack("prod", "azure", { appVersion: "1.0.1" });
    const vmss = plan.resources.find((r) => r.type === types.scaleSet);
    assert.equal((vmss?.inputs.sku as { capacity: number }).capacity, 7);
  });

  it("sends desiredInstances on the first deploy, when the scale set does not exist yet", async () => {
    const plan = await planStack("prod", "azure");
    const vmss = plan.resources.find((r) => r.type === types.scaleSet);
    assert.equal((vmss?.inputs.sku as { capacity: number }).capacity, 3);
  });

  it("has no ignoreChanges on sku.capacity, which the engine would fill from the OLD inputs", async () => {
    // pulumi/pulumi pkg/resource/deploy/step_generator.go processIgnoreChanges: an ignored path
    // takes its value from the last recorded inputs, which would overwrite the live count.
    const run = await runComponents([{ name: "web", args: prodArgs }]);
    const vmss = run.options.find((o) => o.type === types.scaleSet);
    assert.ok(vmss);
    assert.deepEqual(vmss.ignoreChanges, []);
    assert.equal(vmss.name, scaleSetName("web"));
  });

  it("looks the scale set up under the fixed name it registers", async () => {
    const run = await runComponents([{ name: "web", args: prodArgs }]);
    const vmss = run.resources.find((r) => r.type === types.scaleSet);
    assert.equal(vmss?.inputs.vmScaleSetName, "web-vmss");
  });

  describe("tells a missing scale set from any other failure", () => {
    const rows: Array<[string, boolean]> = [
      // azcore backend (azure-sdk-for-go ResponseError text)
      [
        "request failed /subscriptions/x/.../virtualMachineScaleSets/web-vmss: GET https://management.azure.com/...\nRESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound",
        true,
      ],
      // autorest backend (go-autorest DetailedError text)
      [
        'request failed /subscriptions/x: autorest/azure: Service returned an error. Status=404 Code="ResourceNotFound" Message="The Resource was not found."',
        true,
      ],
      ["request failed: RESPONSE 403: 403 Forbidden\nERROR CODE: AuthorizationFailed", false],
      ["request failed: RESPONSE 429: 429 Too Many Requests", false],
      ["connection reset by peer", false],
    ];
    for (const [message, notFound] of rows) {
      it(`${notFound ? "missing" : "fails the deploy"}: ${message.split("\n").pop()}`, () => {
        assert.equal(isNotFound(new Error(message)), notFound);
      });
    }
  });
});

describe("azure fault 3: a rollout without surge would never replace the version", () => {
  it("refuses rollingMaxUnavailablePercent above 0, naming the stack key", () => {
    const args = resolveServiceArgs(
      testStackArgs({ rollingUpdate: { maxSurgePercent: 0, maxUnavailablePercent: 30 } }),
    );
    assert.deepEqual(validate(args), [
      "rollingMaxUnavailablePercent (rollingUpdate.maxUnavailablePercent): expected 0 on azure, where a rollout must create new instances (rollingMaxSurgePercent above 0): an in-place upgrade does not apply the new version's customData, so the old version would keep running; got 30",
    ]);
  });

  it("the plan stops with that message (exit code 2 from the CLI)", async () => {
    await assert.rejects(
      planStack("test", "azure", { rollingMaxUnavailablePercent: "30" }),
      /rollingMaxUnavailablePercent \(rollingUpdate\.maxUnavailablePercent\): expected 0 on azure/,
    );
  });
});

describe("azure fault 4: CPU autoscaling needs sizes that are not credit-throttled", () => {
  for (const size of instanceSizes) {
    it(`${size} → ${azureVmSize(size)} is not burstable`, () => {
      // https://learn.microsoft.com/azure/virtual-machines/sizes/b-family
      assert.equal(isBurstable(azureVmSize(size)), false);
    });
  }

  it("the burstable check knows a B-series size when it sees one", () => {
    assert.equal(isBurstable("Standard_B1ms"), true);
    assert.equal(isBurstable("Standard_B2s"), true);
    assert.equal(isBurstable("Standard_D2as_v5"), false);
  });

  it("every zonal region the stacks accept offers every size with zones", () => {
    const zonal = knownRegions("azure").filter((r) => (zonesOf("azure", r) ?? []).length >= 2);
    assert.deepEqual(Object.keys(zonalSkus).sort(), [...zonal].sort());
    for (const region of zonal) assert.deepEqual(sizesMissingIn(region), [], region);
  });

  it("refuses a region whose SKU list lacks the size, naming instanceSize", () => {
    const args = resolveServiceArgs(testStackArgs({ region: "westus" }));
    assert.match(validate(args).join("\n"), /^instanceSize: expected a size whose VM/m);
  });
});

describe("azure fault 5: deletionProtection makes pulumi destroy fail before it deletes anything", () => {
  it("protects every child, so the first deletes a destroy tries are all refused", async () => {
    // The engine refuses a protected delete only when it reaches it (pulumi/pulumi
    // pkg/resource/deploy/step.go DeleteStep.Apply) and deletes dependents first (#782, #6191).
    const run = await runComponents([{ name: "web", args: prodArgs }]);
    const children = run.options.filter(
      (o) => o.type.startsWith("azure-native:") && o.type !== types.lock,
    );
    assert.ok(children.length > 10);
    for (const child of children) assert.equal(child.protect, true, `${child.type} ${child.name}`);
  });

  it("the locks stay unprotected (so turning protection off removes them) behind the protected scale set", async () => {
    const run = await runComponents([{ name: "web", args: prodArgs }]);
    const locks = run.options.filter((o) => o.type === types.lock);
    assert.deepEqual(locks.map((l) => [l.name, l.protect]).sort(), [
      ["web-ip-lock", false],
      ["web-lb-lock", false],
    ]);
    const vmss = run.options.find((o) => o.type === types.scaleSet);
    for (const lock of locks) {
      assert.ok(vmss?.dependencies.includes(`${types.lock}::${lock.name}`), lock.name);
    }
  });

  it("protects nothing without deletionProtection", async () => {
    const run = await runComponents([{ name: "web", args: testStackArgs() }]);
    assert.deepEqual(
      run.options.filter((o) => o.protect).map((o) => o.name),
      [],
    );
  });
});

describe("azure fault 7: Trusted Launch and encryption at host", () => {
  it("boots with secure boot and a vTPM, disks encrypted on the host", async () => {
    // https://learn.microsoft.com/azure/virtual-machines/trusted-launch
    const plan = await planStack("prod", "azure");
    assert.deepEqual(vmProfileOf(plan).securityProfile, {
      securityType: "TrustedLaunch",
      uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
      encryptionAtHost: true,
    });
  });
});

describe("azure fault 8: SSH keys Azure accepts", () => {
  const openssh = (type: "rsa" | "ed25519" | "ec", bits?: number): string => {
    const { publicKey } =
      type === "rsa"
        ? generateKeyPairSync("rsa", { modulusLength: bits ?? 2048 })
        : type === "ec"
          ? generateKeyPairSync("ec", { namedCurve: "P-256" })
          : generateKeyPairSync("ed25519");
    return toOpenSsh(publicKey.export({ format: "jwk" }) as Record<string, string>);
  };

  it("takes RSA of 2048 bits and more, and Ed25519", () => {
    assert.equal(azureSshKeyProblem(openssh("rsa", 2048)), undefined);
    assert.equal(azureSshKeyProblem(openssh("rsa", 4096)), undefined);
    assert.equal(azureSshKeyProblem(openssh("ed25519")), undefined);
  });

  it("refuses short RSA keys with the bit count", () => {
    assert.equal(
      azureSshKeyProblem(openssh("rsa", 1024)),
      "an RSA key of at least 2048 bits, the minimum Azure accepts; got 1024 bits",
    );
  });

  it("refuses ECDSA, which the settings pattern used to accept", () => {
    const problems = validate(
      resolveServiceArgs(testStackArgs({ azureSshPublicKey: openssh("ec") })),
    );
    assert.deepEqual(problems, [
      'azureSshPublicKey: expected an RSA (ssh-rsa, at least 2048 bits) or Ed25519 (ssh-ed25519) key, the types Azure accepts; got a "ecdsa-sha2-nistp256" key',
    ]);
  });

  it("refuses key data that does not decode", () => {
    assert.match(
      azureSshKeyProblem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtleQ== x") ?? "",
      /malformed|does not decode/,
    );
  });
});

/** An OpenSSH `authorized_keys` line from a JWK, built the way ssh-keygen writes the blob. */
function toOpenSsh(jwk: Record<string, string>): string {
  const field = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const b64 = (value: string) => Buffer.from(value, "base64url");
  const mpint = (value: string) => {
    const bytes = b64(value);
    return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  };
  let type: string;
  let parts: Buffer[];
  if (jwk.kty === "RSA") {
    type = "ssh-rsa";
    parts = [mpint(jwk.e), mpint(jwk.n)];
  } else if (jwk.kty === "OKP") {
    type = "ssh-ed25519";
    parts = [b64(jwk.x)];
  } else {
    type = "ecdsa-sha2-nistp256";
    parts = [Buffer.from("nistp256"), Buffer.concat([Buffer.from([4]), b64(jwk.x), b64(jwk.y)])];
  }
  const blob = Buffer.concat([Buffer.from(type), ...parts].map(field));
  return `${type} ${blob.toString("base64")} test@example.com`;
}

describe("azure fault 9: central logs kept for logRetentionDays", () => {
  // https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure
  const rows: Array<[number, number]> = [
    [1, 30],
    [7, 30],
    [30, 30],
    [90, 90],
    [730, 730],
    [3653, 730],
  ];
  for (const [days, kept] of rows) {
    it(`logRetentionDays ${days} → workspace ${kept} days`, () => {
      assert.equal(workspaceRetentionDays(days), kept);
    });
  }
});

describe("azure faults 2 and 4 in the policy pack (health-checks-and-self-healing)", () => {
  const findings = async (plan: Plan) =>
    (await evaluatePolicies({ ...plan, stack: "prod" })).violations
      .filter((v) => v.policy === "health-checks-and-self-healing")
      .map((v) => v.message);

  it("passes today's prod plan", async () => {
    assert.deepEqual(await findings(await planStack("prod", "azure")), []);
  });

  it("fails binary health states, a missing grace period and a burstable size", async () => {
    const before = withEdited(await planStack("prod", "azure"), types.scaleSet, (inputs) => {
      const health = inputs.virtualMachineProfile.extensionProfile.extensions[0];
      health.typeHandlerVersion = "1.0";
      delete health.settings.gracePeriod;
      inputs.sku.name = "Standard_B2s";
    });
    assert.deepEqual(await findings(before), [
      "the Application Health extension is 1.0 with gracePeriod undefined; use 2.0 (rich health states) with a gracePeriod of at least 300 s that covers boot, or new instances abort rolling upgrades",
      "sku.name is Standard_B2s, a burstable size; CPU autoscaling needs a non-burstable size",
    ]);
  });
});
