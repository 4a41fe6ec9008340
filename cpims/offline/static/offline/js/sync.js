// Sync down (the user's caseload, code lists, forms) and up (the queue, until every item has a
// result). The queue survives reloads and dropped connections: an item leaves it only with a
// final result, and the server answers a retried item (same client_id) "already_applied".
import * as store from "./store.js";

export const BATCH = 100;
const FINAL = new Set(["applied", "already_applied", "invalid", "forbidden"]);

export async function syncDown(api, deviceId) {
  const state = (await store.get("state:sync")) || {};
  const body = await api.syncDown(deviceId, state.cursor || "");
  if (body.wipe) return { wipe: true };
  if (body.full) {
    await store.clearType("case");
    await store.clearType("person");
  }
  const entries = [];
  for (const c of body.cases || []) entries.push(["case:" + c.id, c]);
  for (const p of body.persons || []) entries.push(["person:" + p.id, p]);
  if (body.code_lists) entries.push(["state:code_lists", body.code_lists]);
  if (body.org_units) entries.push(["state:org_units", body.org_units]);
  await store.putMany(entries);
  const removed = body.removed || {};
  await store.remove([
    ...(removed.cases || []).map((id) => "case:" + id),
    ...(removed.persons || []).map((id) => "person:" + id),
  ]);
  const forms = await api.forms();
  await store.put("state:forms", forms.kinds || {});
  await store.put("state:sync", {
    cursor: body.cursor || "",
    at: new Date().toISOString(),
    max_cases: (body.limits || {}).max_cases,
  });
  return { wipe: false };
}

export async function queued() {
  const items = await store.all("queue");
  return items.sort((a, b) => (a.saved_at < b.saved_at ? -1 : 1));
}

export function toWire(item) {
  return {
    client_id: item.client_id,
    kind: item.kind,
    target: item.target ?? null,
    base_version: item.base_version ?? null,
    data: item.data,
    resolution: item.resolution ?? null,
  };
}

// Sends what waits (not what waits for the user's choice), batch by batch. Returns the results
// of this run; a dropped connection leaves the rest queued (the caller reports it).
export async function syncUp(api, deviceId) {
  const results = [];
  const waiting = (await queued()).filter((item) => item.state !== "choice");
  for (let i = 0; i < waiting.length; i += BATCH) {
    const batch = waiting.slice(i, i + BATCH);
    const body = await api.syncUp(deviceId, batch.map(toWire));
    if (body.wipe) return { wipe: true, results };
    const byId = new Map(batch.map((item) => [item.client_id, item]));
    const now = new Date().toISOString();
    for (const result of body.results || []) {
      const item = byId.get(result.client_id);
      if (!item) continue;
      results.push({ item, result });
      if (FINAL.has(result.status)) {
        await store.put("log:" + item.client_id, {
          client_id: item.client_id,
          kind: item.kind,
          label: item.label,
          saved_at: item.saved_at,
          sent_at: now,
          status: result.status,
          id: result.id ?? null,
          errors: result.errors || null,
        });
        await store.remove(["queue:" + item.client_id]);
      } else {
        // duplicate or conflict: kept, waiting for the user's choice, with what the server said.
        item.state = "choice";
        item.sent_at = now;
        item.result = result;
        await store.put("queue:" + item.client_id, item);
      }
    }
  }
  return { wipe: false, results };
}

// The user chose how to settle a duplicate or a conflict: the item goes back in line.
export async function resolve(clientId, resolution) {
  const item = await store.get("queue:" + clientId);
  if (!item) return;
  item.resolution = resolution;
  item.state = "waiting";
  await store.put("queue:" + clientId, item);
}
