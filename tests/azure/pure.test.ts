import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellQuote, stopTimeoutSeconds } from "../../providers/azure/cloudInit";
import { acrPullRoleId, roleDefinitionId } from "../../providers/azure/identity";
import { outboundPortsPerInstance } from "../../providers/azure/loadBalancer";
import {
  actionGroupShortName,
  actionGroupShortNameLimit,
  computerNamePrefix,
  computerNamePrefixLimit,
  dnsLabel,
  dnsLabelLimit,
  registryLogicalName,
  registryNameLimit,
} from "../../providers/azure/naming";
import { inboundRules, outboundRules } from "../../providers/azure/network";
import {
  isEd25519Point,
  placeholderKeySeed,
  unusableSshPublicKey,
} from "../../providers/azure/sshKey";

// azure-native appends 8 hex characters to a logical name; names are checked with that suffix.
const autoNamed = (logical: string) => `${logical}0123abcd`;

describe("azure: names", () => {
  it("registry names are alphanumeric and fit ACR's 50 characters once auto-named", () => {
    const rows: [string, string][] = [
      ["web", "webacr"],
      ["My-Web_Service", "mywebserviceacr"],
      ["--", "acr"],
      ["a".repeat(39), `${"a".repeat(39)}acr`], // exactly at the 42-character budget
      ["a".repeat(40), `${"a".repeat(33)}${hash6("a".repeat(40))}acr`],
    ];
    for (const [name, expected] of rows) {
      const logical = registryLogicalName(name);
      assert.equal(logical, expected, name);
      assert.match(autoNamed(logical), /^[a-z0-9]{5,50}$/);
      assert.ok(autoNamed(logical).length <= registryNameLimit);
    }
    assert.notEqual(
      registryLogicalName(`${"a".repeat(40)}x`),
      registryLogicalName(`${"a".repeat(40)}y`),
      "long names that share a prefix must stay distinct",
    );
  });

  it("DNS labels are valid, readable and at most 40 characters", () => {
    const rows: [string, string, string][] = [
      ["web", "test", "web-test"],
      ["Web_Svc", "prod", "web-svc-prod"],
      ["9web", "dev", "web-dev"],
      ["w".repeat(35), "prod", `${"w".repeat(35)}-prod`], // 40: at the limit
      ["w".repeat(36), "prod", `${"w".repeat(33)}-${hash6(`${"w".repeat(36)}-prod`)}`],
    ];
    for (const [name, stack, expected] of rows) {
      const label = dnsLabel(name, stack);
      assert.equal(label, expected, `${name}/${stack}`);
      assert.ok(label.length <= dnsLabelLimit);
      assert.match(label, /^[a-z][a-z0-9-]*[a-z0-9]$/);
    }
  });

  it("hostname prefixes end in a hyphen and fit 9 characters", () => {
    const rows: [string, string][] = [
      ["web", "web-"],
      ["Shop_Front", "shop-fro-"],
      ["abcdefgh", "abcdefgh-"], // at the limit
      ["abcdefghi", "abcdefgh-"],
      ["ab-------", "ab-"],
    ];
    for (const [name, expected] of rows) {
      assert.equal(computerNamePrefix(name), expected, name);
      assert.ok(computerNamePrefix(name).length <= computerNamePrefixLimit);
    }
  });

  it("action group short names fit 12 characters", () => {
    assert.equal(actionGroupShortName("web"), "web");
    assert.equal(actionGroupShortName("checkout_service-eu"), "checkoutserv");
    assert.equal(actionGroupShortName("checkout_service-eu").length, actionGroupShortNameLimit);
  });
});

describe("azure: load balancer numbers", () => {
  it("SNAT ports per instance cover twice maxInstances, in multiples of 8", () => {
    const rows: [number, number][] = [
      [2, 16000],
      [4, 8000], // test stack
      [12, 2664], // prod stack: 64000 / 24 = 2666.7, rounded down to a multiple of 8
      [100, 320],
    ];
    for (const [maxInstances, ports] of rows) {
      assert.equal(outboundPortsPerInstance(maxInstances), ports, String(maxInstances));
      assert.equal(ports % 8, 0);
      assert.ok(ports * 2 * maxInstances <= 64000);
    }
  });

  it("the container is given more time to stop than it drains", () => {
    assert.equal(stopTimeoutSeconds(30), 45);
    assert.equal(stopTimeoutSeconds(0), 15);
    assert.equal(stopTimeoutSeconds(110), 125);
  });
});

describe("azure: network security rules", () => {
  it("allow the serving port from the internet and the probes, then deny everything", () => {
    assert.deepEqual(
      inboundRules(8080).map((r) => [
        r.priority,
        r.access,
        r.protocol,
        r.sourceAddressPrefix,
        r.destinationPortRange,
      ]),
      [
        [100, "Allow", "Tcp", "Internet", "8080"],
        [110, "Allow", "Tcp", "AzureLoadBalancer", "8080"],
        [4096, "Deny", "*", "*", "*"],
      ],
    );
  });
});

describe("azure: outbound network security rules", () => {
  it("allow HTTPS to the registry, its storage and Azure Monitor's two tags, then deny everything", () => {
    assert.deepEqual(
      outboundRules().map((r) => [
        r.priority,
        r.direction,
        r.access,
        r.protocol,
        r.destinationAddressPrefix,
        r.destinationPortRange,
      ]),
      [
        [200, "Outbound", "Allow", "Tcp", "AzureContainerRegistry", "443"],
        [210, "Outbound", "Allow", "Tcp", "Storage", "443"],
        [220, "Outbound", "Allow", "Tcp", "AzureMonitor", "443"],
        [230, "Outbound", "Allow", "Tcp", "AzureResourceManager", "443"],
        [4096, "Outbound", "Deny", "*", "*", "*"],
      ],
    );
  });

  it("denies last among the custom rules, before Azure's AllowVnetOutBound (65000) and AllowInternetOutBound (65001)", () => {
    const rules = outboundRules();
    const deny = rules.filter((r) => r.access === "Deny");
    assert.equal(deny.length, 1);
    assert.ok(rules.every((r) => r === deny[0] || r.priority < deny[0].priority));
    // Custom priorities run 100-4096; the defaults start at 65000.
    assert.ok(deny[0].priority <= 4096 && deny[0].priority < 65000);
    assert.equal(new Set(rules.map((r) => r.priority)).size, rules.length, "priorities are unique");
  });
});

describe("azure: AcrPull role definition id", () => {
  it("is the built-in AcrPull role under the subscription", () => {
    assert.equal(
      roleDefinitionId("00000000-0000-0000-0000-000000000000", acrPullRoleId),
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
  });
});

describe("azure: placeholder SSH key", () => {
  const key = unusableSshPublicKey();
  const blob = Buffer.from(key.split(" ")[1], "base64");
  const point = blob.subarray(blob.length - 32);

  it("is a well-formed OpenSSH Ed25519 public key", () => {
    assert.match(
      key,
      /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=* no-login-placeholder$/,
    );
    assert.equal(blob.length, 4 + 11 + 4 + 32);
    assert.ok(isEd25519Point(point), "the key must decode to a curve point or Azure may reject it");
    const dir = mkdtempSync(join(tmpdir(), "azure-key-"));
    try {
      writeFileSync(join(dir, "key.pub"), `${key}\n`);
      const fingerprint = spawnSync("ssh-keygen", ["-l", "-f", join(dir, "key.pub")], {
        encoding: "utf8",
      });
      assert.equal(fingerprint.status, 0, fingerprint.stderr);
      assert.match(fingerprint.stdout, /^256 SHA256:\S+ no-login-placeholder \(ED25519\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is hashed from the published seed, so nobody chose (or holds) its private key", () => {
    let counter = 0;
    let candidate = sha256(`${placeholderKeySeed}/${counter}`);
    while (!isEd25519Point(candidate)) candidate = sha256(`${placeholderKeySeed}/${++counter}`);
    assert.deepEqual(point, candidate);
    assert.equal(unusableSshPublicKey(), key, "must be deterministic, or every deploy rolls");
  });

  it("the curve check rejects what is not a point", () => {
    assert.equal(isEd25519Point(new Uint8Array(31)), false);
    // y = p is out of range.
    const p = Buffer.from(
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "hex",
    );
    assert.equal(isEd25519Point(p), false);
    // y = 1 is the identity (x = 0): valid with a clear sign bit only.
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    assert.equal(isEd25519Point(identity), true);
    identity[31] = 0x80;
    assert.equal(isEd25519Point(identity), false);
    // The standard base point (RFC 8032) is valid.
    const base = Buffer.from(
      "5866666666666666666666666666666666666666666666666666666666666666",
      "hex",
    );
    assert.equal(isEd25519Point(base), true);
    // About half of all y values have no x; y = 2 is one of them.
    const two = Buffer.alloc(32);
    two[0] = 2;
    assert.equal(isEd25519Point(two), false);
  });
});

describe("azure: shell quoting of generated values", () => {
  it("keeps every character literal", () => {
    const rows: [string, string][] = [
      ["plain", "'plain'"],
      ["it's", `'it'\\''s'`],
      ["$(rm -rf /)", "'$(rm -rf /)'"],
    ];
    for (const [value, quoted] of rows) {
      assert.equal(shellQuote(value), quoted);
      const echoed = spawnSync("sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" });
      assert.equal(echoed.stdout, value);
    }
  });
});

function hash6(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 6);
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
