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
