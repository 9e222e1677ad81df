/**
 * CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): what OSS returns as `x-oss-hash-crc64ecma`,
 * printed as an unsigned decimal. Two 32-bit halves instead of BigInt per byte keep it fast enough for the sandbox.
 */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const lsb = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (lsb) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** Incremental CRC-64/XZ: feed chunks with `update`, read the decimal string with `digest`. */
export class Crc64 {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(buf: Uint8Array): this {
    let { hi, lo } = this;
    for (let i = 0; i < buf.length; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      hi = hi >>> 8;
      hi = (hi ^ TABLE_HI[idx]!) >>> 0;
      lo = (lo ^ TABLE_LO[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  digest(): string {
    return ((BigInt((this.hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((this.lo ^ 0xffffffff) >>> 0)).toString();
  }
}

/** CRC-64/XZ of a whole buffer as OSS prints it. */
export function crc64(buf: Uint8Array): string {
  return new Crc64().update(buf).digest();
}
