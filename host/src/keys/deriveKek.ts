import { scrypt } from 'node:crypto';

/** scrypt cost parameters: CPU/memory cost `N` (a power of two), block size `r`, parallelism `p`. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The default key-derivation cost (32 MiB, about 0.1 s): OWASP's scrypt minimum doubled. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

// A key file's kdf block is read before it is authenticated, so its cost is bounded: a doctored file
// must not make the host allocate gigabytes or spin for minutes before the GCM check can fail.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;

/** Why `params` are not acceptable scrypt parameters, or undefined when they are. */
export function scryptParamsProblem(params: { N: unknown; r: unknown; p: unknown }): { field: 'N' | 'r' | 'p'; problem: string } | undefined {
  const { N, r, p } = params;
  if (typeof N !== 'number' || !Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0) return { field: 'N', problem: 'must be a power of two, at least 2' };
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1) return { field: 'r', problem: 'must be a positive integer' };
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 1 || p > MAX_P) return { field: 'p', problem: `must be an integer from 1 to ${MAX_P}` };
  if (128 * N * r > MAX_MEMORY_BYTES) return { field: 'N', problem: `with r=${r} needs more than ${MAX_MEMORY_BYTES / 1024 / 1024} MiB` };
  return undefined;
}

function scryptMemory({ N, r, p }: ScryptParams): number {
  // OpenSSL's accounting: the V array (128·r·(N+2) bytes) plus the B array (128·r·p bytes).
  return 128 * r * (N + 2 + p);
}

/** Derives the 32-byte key-encryption key from a recovery key (NFC-normalised, so the same text typed on any OS matches). */
export function deriveKek(recoveryKey: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const problem = scryptParamsProblem(params);
  if (problem) return Promise.reject(new RangeError(`scrypt ${problem.field} ${problem.problem}`));
  const password = Buffer.from(recoveryKey.normalize('NFC'), 'utf8');
  // Node's default maxmem (32 MiB) is exactly the default cost and would refuse it.
  const maxmem = scryptMemory(params) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => {
      password.fill(0);
      if (error) reject(error);
      else resolve(key);
    });
  });
}
