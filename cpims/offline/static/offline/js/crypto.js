// Encryption of the offline store in plain WebCrypto (no library).
// KEK = PBKDF2-SHA256(PIN, salt = device secret, 310000 iterations) -> AES-GCM 256. The KEK only
// wraps a random AES-GCM data key; the data key encrypts every record with a fresh 12-byte IV.
export const ITERATIONS = 310000;
const subtle = crypto.subtle;
const enc = new TextEncoder();
const dec = new TextDecoder();

export function b64ToBytes(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function randomIv() {
  return crypto.getRandomValues(new Uint8Array(12));
}

export async function deriveKek(pin, secretB64) {
  const base = await subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: b64ToBytes(secretB64), iterations: ITERATIONS },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

// A new data key, returned wrapped (to store) and usable (to keep in memory only).
export async function newDataKey(kek) {
  const key = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  const iv = randomIv();
  const wrapped = await subtle.wrapKey("raw", key, kek, { name: "AES-GCM", iv });
  // The usable copy is not extractable: re-import it so scripts cannot read it out.
  const usable = await unwrapDataKey(kek, { iv, wrapped });
  return { wrapped: { iv, wrapped }, key: usable };
}

// Fails (throws) with a wrong PIN: AES-GCM checks its tag.
export function unwrapDataKey(kek, stored) {
  return subtle.unwrapKey(
    "raw",
    stored.wrapped,
    kek,
    { name: "AES-GCM", iv: stored.iv },
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function encryptJson(key, value) {
  const iv = randomIv();
  const ct = await subtle.encrypt({ name: "AES-GCM", iv }, key, enc.encode(JSON.stringify(value)));
  return { iv, ct };
}

export async function decryptJson(key, box) {
  const plain = await subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
  return JSON.parse(dec.decode(plain));
}
