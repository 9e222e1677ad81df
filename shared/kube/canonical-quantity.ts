/**
 * The canonical string form a real apiserver writes back for a quantity (resource.Quantity.CanonicalizeBytes in
 * kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go): `1024Mi` → `1Gi`,
 * `0.5Gi` → `512Mi`, `1000k` → `1M`, `0.5` → `500m`, `1536Mi` stays. Binary suffixes stay binary when the value is a
 * whole number of bytes of at least 1024, else the decimal form is used; decimal values use the largest power of
 * 1000 that keeps the mantissa whole. Values are exact to 1n (the nano scale); finer precision is rounded up, as
 * apimachinery does.
 */
const BIN: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DEC: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DEC_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(DEC).map(([s, e]) => [e, s]));
const BIN_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Canonical form of a quantity, or undefined when `q` is not one. */
export function canonicalQuantity(q: string | number): string | undefined {
  const text = typeof q === 'number' ? String(q) : q.trim();
  const m = RE.exec(text);
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const [, sign, whole = '', frac = '', exp, suffix = ''] = m;
  // value × 10^9 as an exact integer (nano units), rounding any finer digits up.
  let digits = BigInt(`${whole || '0'}${frac.padEnd(9, '0').slice(0, 9)}`);
  if (/[1-9]/.test(frac.slice(9))) digits += 1n;
  let nano = digits;
  let format: 'bin' | 'dec' | 'exp' = 'dec';
  const scale = (e: number) => {
    if (e >= 0) nano *= 10n ** BigInt(e);
    else {
      const d = 10n ** BigInt(-e);
      nano = nano / d + (nano % d ? 1n : 0n);
    }
  };
  if (exp) {
    format = 'exp';
    scale(Number(exp.slice(1)));
  } else if (BIN[suffix] !== undefined) {
    format = 'bin';
    nano *= 1024n ** BigInt(BIN[suffix]!);
  } else scale(DEC[suffix]!);
  if (nano === 0n) return '0';
  const neg = sign === '-';
  const abs = nano;
  if (format === 'bin' && abs % 10n ** 9n === 0n && abs / 10n ** 9n >= 1024n) {
    let n = abs / 10n ** 9n;
    let i = 0;
    while (n % 1024n === 0n && i < BIN_SUFFIX.length - 1) {
      n /= 1024n;
      i++;
    }
    return `${neg ? '-' : ''}${n}${BIN_SUFFIX[i]}`;
  }
  // Decimal: strip factors of ten, then bring the exponent to a multiple of 3 (largest that keeps it whole).
  let mant = abs;
  let e = -9;
  while (mant % 10n === 0n) {
    mant /= 10n;
    e++;
  }
  const extra = ((e % 3) + 3) % 3;
  mant *= 10n ** BigInt(extra);
  e -= extra;
  if (format === 'exp') return `${neg ? '-' : ''}${mant}${e === 0 ? '' : `e${e}`}`;
  if (e > 18) {
    mant *= 10n ** BigInt(e - 18);
    e = 18;
  }
  return `${neg ? '-' : ''}${mant}${DEC_SUFFIX[e]}`;
}
