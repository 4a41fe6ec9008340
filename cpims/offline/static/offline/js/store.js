// The offline store: one IndexedDB database. "meta" holds only what is not personal (device id,
// device secret, the wrapped data key, the count of wrong PINs); "records" holds everything else,
// each value encrypted with the data key and a fresh IV. Keys are "<type>:<uuid>", never names.
import { decryptJson, encryptJson } from "./crypto.js";

export const DB_NAME = "cpims-offline";
let dbPromise = null;
let dataKey = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("meta");
        req.result.createObjectStore("records", { keyPath: "k" });
      };
      req.onsuccess = () => {
        const db = req.result;
        // A wipe from another tab or the service worker: let it go through.
        db.onversionchange = () => {
          db.close();
          dbPromise = null;
        };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function tx(store, mode, fn) {
  const db = await open();
  const t = db.transaction(store, mode);
  const result = fn(t.objectStore(store));
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
  return result instanceof IDBRequest ? result.result : result;
}

export const meta = {
  get: (key) => tx("meta", "readonly", (s) => s.get(key)),
  set: (key, value) => tx("meta", "readwrite", (s) => s.put(value, key)),
};

export function setKey(key) {
  dataKey = key;
}

export function isUnlocked() {
  return dataKey !== null;
}

export function lock() {
  dataKey = null;
}

function needKey() {
  if (!dataKey) throw new Error("locked");
  return dataKey;
}

export async function put(k, value) {
  const box = await encryptJson(needKey(), value);
  await tx("records", "readwrite", (s) => s.put({ k, iv: box.iv, ct: box.ct }));
}

export async function putMany(entries) {
  const key = needKey();
  const boxes = [];
  for (const [k, value] of entries) {
    const box = await encryptJson(key, value);
    boxes.push({ k, iv: box.iv, ct: box.ct });
  }
  await tx("records", "readwrite", (s) => boxes.forEach((b) => s.put(b)));
}

export async function get(k) {
  const row = await tx("records", "readonly", (s) => s.get(k));
  return row ? decryptJson(needKey(), row) : undefined;
}

export async function remove(keys) {
  await tx("records", "readwrite", (s) => keys.forEach((k) => s.delete(k)));
}

// Every record of one type ("case", "person", "queue", "log"), decrypted.
export async function all(type) {
  const range = IDBKeyRange.bound(type + ":", type + ":\uffff");
  const rows = await tx("records", "readonly", (s) => s.getAll(range));
  const key = needKey();
  return Promise.all(rows.map((row) => decryptJson(key, row)));
}

// How many records of a type, without decrypting (works while locked).
export async function count(type) {
  const range = IDBKeyRange.bound(type + ":", type + ":\uffff");
  return tx("records", "readonly", (s) => s.count(range));
}

export async function clearType(type) {
  const range = IDBKeyRange.bound(type + ":", type + ":\uffff");
  await tx("records", "readwrite", (s) => s.delete(range));
}

// Wipe: everything, or (keepQueue) all but the device, the wrapped key and the unsent records.
export async function wipe({ keepQueue = false } = {}) {
  dataKey = null;
  if (keepQueue) {
    const db = await open();
    const t = db.transaction("records", "readwrite");
    const s = t.objectStore("records");
    const keys = await request(s.getAllKeys());
    keys.filter((k) => !String(k).startsWith("queue:")).forEach((k) => s.delete(k));
    await new Promise((resolve) => (t.oncomplete = resolve));
    return;
  }
  if (dbPromise) {
    (await dbPromise).close();
    dbPromise = null;
  }
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
