import { createHash } from "node:crypto";

/**
 * Azure refuses a Linux profile with password login disabled and no SSH key ("Authentication using
 * either SSH or by user name and password must be enabled in Linux profile"), yet without
 * `azureSshPublicKey` nobody is meant to log in at all. A key generated here and thrown away would
 * change on every run (and roll the fleet each deploy); storing one would put a private key in
 * state. Instead the key is an Ed25519 public key hashed from a fixed, published seed: a curve
 * point whose discrete logarithm nobody knows, so no private key for it exists anywhere. The
 * instances also stop sshd when no key is given (see cloudInit.ts), and no rule lets SSH in.
 */
export const placeholderKeySeed = "ha-web-service/azure: no interactive login";

const p = 2n ** 255n - 19n;
const d = mod(-121665n * modPow(121666n, p - 2n, p), p);

/**
 * Whether 32 bytes are a valid Ed25519 point encoding (RFC 8032 section 5.1.3): y below p, and
 * (y^2 - 1) / (d y^2 + 1) a square, with x = 0 only for a clear sign bit.
 */
export function isEd25519Point(encoded: Uint8Array): boolean {
  if (encoded.length !== 32) return false;
  const bytes = Uint8Array.from(encoded);
  const sign = bytes[31] >> 7;
  bytes[31] &= 0x7f;
  const y = bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  if (y >= p) return false;
  const y2 = mod(y * y, p);
  const x2 = mod((y2 - 1n) * modPow(mod(d * y2 + 1n, p), p - 2n, p), p);
  if (x2 === 0n) return sign === 0;
  return modPow(x2, (p - 1n) / 2n, p) === 1n;
}

/** The placeholder key in OpenSSH `authorized_keys` form. Deterministic. */
export function unusableSshPublicKey(): string {
  for (let counter = 0; ; counter++) {
    const candidate = createHash("sha256").update(`${placeholderKeySeed}/${counter}`).digest();
    if (isEd25519Point(candidate)) {
      return `ssh-ed25519 ${openSshBlob("ssh-ed25519", candidate)} no-login-placeholder`;
    }
  }
}

function openSshBlob(keyType: string, key: Uint8Array): string {
  const field = (data: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  return Buffer.concat([field(Buffer.from(keyType)), field(key)]).toString("base64");
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** Smallest RSA modulus Azure accepts for a Linux VM's SSH key. */
export const minimumRsaBits = 2048;

/**
 * Why Azure would reject `key` as a Linux VM's SSH key, or undefined when it would take it: Azure
 * supports RSA keys of at least 2048 bits and Ed25519 keys, and no ECDSA or DSA keys.
 * https://learn.microsoft.com/azure/virtual-machines/linux/mac-create-ssh-keys#supported-ssh-key-formats
 * Parsed here rather than with a library: the public-key blob is only length-prefixed fields
 * (RFC 4253 section 6.6), and only the type and the RSA modulus length are needed.
 */
export function azureSshKeyProblem(key: string): string | undefined {
  const [keyType, base64] = key.trim().split(/\s+/);
  if (keyType !== "ssh-rsa" && keyType !== "ssh-ed25519") {
    return `an RSA (ssh-rsa, at least ${minimumRsaBits} bits) or Ed25519 (ssh-ed25519) key, the types Azure accepts; got a ${JSON.stringify(keyType)} key`;
  }
  const fields = wireFields(Buffer.from(base64 ?? "", "base64"));
  if (fields === undefined || fields[0]?.toString() !== keyType) {
    return `a well-formed OpenSSH public key; the ${keyType} key data does not decode`;
  }
  if (keyType === "ssh-ed25519") {
    return fields.length === 2 && fields[1].length === 32
      ? undefined
      : "an Ed25519 key with a 32-byte public key; the key data is malformed";
  }
  // ssh-rsa: string type, mpint e, mpint n. An mpint may carry a leading zero byte.
  const modulus = fields[2];
  if (fields.length !== 3 || modulus.length === 0) {
    return "an RSA key with an exponent and a modulus; the key data is malformed";
  }
  const bits = BigInt(`0x${modulus.toString("hex")}`).toString(2).length;
  return bits >= minimumRsaBits
    ? undefined
    : `an RSA key of at least ${minimumRsaBits} bits, the minimum Azure accepts; got ${bits} bits`;
}

/** The length-prefixed fields of an SSH wire-format blob, or undefined if it does not parse. */
function wireFields(blob: Buffer): Buffer[] | undefined {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(offset);
    offset += 4;
    if (offset + length > blob.length) return undefined;
    fields.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}
