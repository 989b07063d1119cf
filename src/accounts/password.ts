import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt), 32 MiB of memory per hash. */
export const SCRYPT_COST = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: { ln: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** cost.ln;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * A password's hash as a PHC string, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no padding):
 * each user's salt and the cost it was made with are stored with it, so the cost can be raised
 * later without breaking old hashes.
 */
export async function hashPassword(password: string, cost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` matches `stored` (constant time); false for a hash it cannot read. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const m = stored ? PHC.exec(stored) : null;
  if (!m) {
    // No usable hash (unknown user, no password set): spend the same time, then refuse.
    await derive(password, DUMMY_SALT, SCRYPT_COST);
    return false;
  }
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 10 || cost.ln > 20) return false;
  const expected = Buffer.from(m[5] ?? '', 'base64');
  const key = await derive(password, Buffer.from(m[4] ?? '', 'base64'), cost);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const DUMMY_SALT = randomBytes(SALT_BYTES);

function b64(b: Buffer): string {
  return b.toString('base64').replace(/=+$/, '');
}

/** Why a new password is not acceptable, or undefined when it is (NIST 800-63B: length, not rules). */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < 10) return 'password: at least 10 characters';
  if (password.length > 256) return 'password: at most 256 characters';
  if (password.toLowerCase().includes(username.toLowerCase()))
    return 'password: must not contain the username';
  if (/^(.)\1*$/.test(password)) return 'password: must not be one character repeated';
  return undefined;
}
