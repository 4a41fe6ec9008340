// The offline field app: PIN, caseload, forms, sync. Plain ES modules, no framework; every text
// it shows comes translated from the page (config.strings) or from the synced data.
import { ApiError, Offline, makeApi } from "./api.js";
import { deriveKek, newDataKey, unwrapDataKey } from "./crypto.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { fieldsOf, validate } from "./validate.js";

const config = JSON.parse(document.getElementById("offline-config").textContent);
const api = makeApi(config);
const MAX_TRIES = 5;
const VIEWS = ["loading", "setpin", "unlock", "caseload", "form", "sync", "choice", "log"];
const $ = (id) => document.getElementById(id);
let lastActivity = Date.now();
let running = null;
let lastResults = [];

function t(key, params) {
  let text = config.strings[key] || key;
  for (const [name, value] of Object.entries(params || {})) text = text.replace("%(" + name + ")s", value);
  return text;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(name) {
  for (const view of VIEWS) $("view-" + view).hidden = view !== name;
  $("offline-app").dataset.state = name;
  $("tabs").classList.toggle("d-none", !store.isUnlocked());
  for (const link of document.querySelectorAll("#tabs a")) {
    const active = link.getAttribute("href") === location.hash;
    link.classList.toggle("active", active);
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function flash(message, kind) {
  const box = $("flash");
  box.textContent = message || "";
  box.className = "alert alert-" + (kind || "info") + (message ? "" : " d-none");
  flashKeep = message ? 1 : 0;
}

async function refreshBadges() {
  const online = navigator.onLine;
  $("net-status").textContent = t(online ? "online" : "offline");
  $("net-status").className = "badge " + (online ? "text-bg-success" : "text-bg-secondary");
  const waiting = await store.count("queue");
  $("queue-count").textContent = waiting ? t("waiting", { n: waiting }) : "";
}

// --- PIN, unlock, lock, wipe ------------------------------------------------------------------

function deviceLabel() {
  const ua = navigator.userAgent;
  const kind = /Mobi|Android/.test(ua) ? "Phone" : "Computer";
  const browser = (ua.match(/(Firefox|Edg|Chrome|Safari)\//) || [])[1] || "Browser";
  return kind + " · " + browser + " · " + new Date().toISOString().slice(0, 10);
}

async function setPin(event) {
  event.preventDefault();
  const pin = $("pin-new").value;
  $("setpin-error").textContent = "";
  if (!/^\d{6,}$/.test(pin)) return ($("setpin-error").textContent = t("pin_short"));
  if (pin !== $("pin-again").value) return ($("setpin-error").textContent = t("pin_mismatch"));
  $("setpin-error").textContent = t("registering");
  let device;
  try {
    device = await api.registerDevice(deviceLabel());
  } catch (e) {
    $("setpin-error").textContent = e instanceof Offline ? t("need_online") : t("server_refused");
    return;
  }
  $("setpin-error").textContent = t("deriving");
  const kek = await deriveKek(pin, device.device_secret);
  const { wrapped, key } = await newDataKey(kek);
  await store.meta.set("device", { id: device.device_id, secret: device.device_secret, max_cases: device.max_cases });
  await store.meta.set("wrapped", wrapped);
  await store.meta.set("tries", 0);
  store.setKey(key);
  $("setpin-form").reset();
  $("setpin-error").textContent = "";
  location.hash = "#sync";
  await route();
  runSync();
}

async function unlock(event) {
  event.preventDefault();
  const device = await store.meta.get("device");
  const pin = $("pin-unlock").value;
  $("unlock-error").textContent = t("deriving");
  try {
    const kek = await deriveKek(pin, device.secret);
    store.setKey(await unwrapDataKey(kek, await store.meta.get("wrapped")));
  } catch (e) {
    const tries = ((await store.meta.get("tries")) || 0) + 1;
    $("pin-unlock").value = "";
    if (tries >= MAX_TRIES) {
      await wipe("wiped_pin");
      return;
    }
    await store.meta.set("tries", tries);
    $("unlock-error").textContent = t("pin_wrong", { n: MAX_TRIES - tries });
    return;
  }
  await store.meta.set("tries", 0);
  $("unlock-form").reset();
  $("unlock-error").textContent = "";
  lastActivity = Date.now();
  if (!location.hash || location.hash === "#") location.hash = "#caseload";
  await route();
  if (navigator.onLine) runSync({ quiet: true });
}

// Locking forgets the data key and clears every list that showed personal data.
function lockApp() {
  routeSeq++; // a route still rendering must not show its view over the lock screen
  store.lock();
  for (const id of ["case-list", "form-fields", "sync-results", "choice-body", "log-rows"]) $(id).replaceChildren();
  show("unlock");
}

async function wipe(messageKey, options) {
  store.lock();
  await store.wipe(options);
  for (const id of ["case-list", "form-fields", "sync-results", "choice-body", "log-rows"]) $(id).replaceChildren();
  flash(t(messageKey), "warning");
  await boot();
}

async function checkSession() {
  const signedIn = await api.signedIn();
  if (signedIn !== false) return;
  const waiting = await store.count("queue");
  if (!(await store.meta.get("device"))) return;
  await wipe(waiting ? "kept_queue" : "wiped_session", { keepQueue: waiting > 0 });
}

// --- Caseload ---------------------------------------------------------------------------------

// Sync down names a person first_name, other_names, surname; the registry's fields (a child
// registered on the phone, a duplicate candidate) are first_name, middle_name, last_name.
function personName(person) {
  const p = person || {};
  return [p.first_name, p.middle_name, p.other_names, p.surname ?? p.last_name].filter(Boolean).join(" ");
}

async function renderCaseload() {
  const query = $("case-search").value.trim().toLowerCase();
  const persons = new Map((await store.all("person")).map((p) => [p.id, p]));
  const cases = await store.all("case");
  const local = (await store.all("queue")).filter((item) => item.kind === "child_register");
  const list = $("case-list");
  list.replaceChildren();
  const rows = [];
  for (const c of cases) {
    const child = persons.get(c.child) || {};
    const text = [personName(child), c.case_number, child.cpims_number].join(" ").toLowerCase();
    if (query && !text.includes(query)) continue;
    rows.push(
      el(
        "li",
        { class: "list-group-item", "data-case": c.id },
        el("div", { class: "fw-semibold case-child" }, personName(child) || "—"),
        el("div", { class: "small text-body-secondary" }, [c.case_number, c.status, (c.categories || []).join(", ")].filter(Boolean).join(" · ")),
        el(
          "div",
          { class: "offline-actions mt-2" },
          ["service", "followup", "case_note"].map((kind) =>
            el("a", { class: "btn btn-sm btn-outline-primary", href: "#form/" + kind + "/" + c.id }, t(kind)),
          ),
        ),
      ),
    );
  }
  for (const item of local) {
    const name = personName(item.data);
    if (query && !name.toLowerCase().includes(query)) continue;
    rows.push(
      el(
        "li",
        { class: "list-group-item" },
        el("div", { class: "fw-semibold case-child" }, name),
        el("span", { class: "badge text-bg-warning" }, t("not_sent")),
      ),
    );
  }
  if (!rows.length) rows.push(el("li", { class: "list-group-item text-body-secondary" }, t(cases.length ? "no_match" : "no_cases")));
  list.append(...rows);
  // The bound of what the phone holds, said on screen (the server sends at most this many).
  const device = (await store.meta.get("device")) || {};
  $("caseload-bound").textContent = device.max_cases ? t("bound", { n: device.max_cases }) : "";
}

// --- Forms ------------------------------------------------------------------------------------

function humanize(name) {
  const text = name.replace(/[_.]/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function labelOf(def, name) {
  return def.title || def.label || humanize(name.split(".").pop());
}

async function optionsOf(def) {
  const lists = (await store.get("state:code_lists")) || {};
  const listName = def.code_list || def["x-code-list"];
  const sw = config.language === "sw";
  let raw = def.choices || (listName && lists[listName]) || def.enum || (def.items && (def.items.choices || def.items.enum));
  if (!raw) return null;
  return raw.map((c) =>
    typeof c === "object" ? { value: String(c.code ?? c.value), label: (sw && c.label_sw) || c.label || String(c.code ?? c.value) } : { value: String(c), label: String(c) },
  );
}

function objectOf(def) {
  const objectDef = def.type === "object" ? def : def.type === "array" && def.items && def.items.type === "object" ? def.items : null;
  return objectDef && (objectDef.properties || objectDef.fields) ? objectDef : null;
}

// optional: the field is in a group the user may leave empty, so the page does not mark it
// required (the group's rules apply once something in it is filled in).
async function inputFor(def, name, optional) {
  const id = "f-" + name.replace(/\./g, "-");
  const wrap = el("div", { class: "mb-3", "data-field": name });
  const objectDef = objectOf(def);
  if (objectDef) {
    const box = el("fieldset", { class: "border rounded p-2", "data-group": name, "data-array": def.type === "array" ? "1" : null });
    box.append(el("legend", { class: "h6 float-none w-auto px-1" }, labelOf(def, name)));
    for (const sub of fieldsOf(objectDef)) box.append(await inputFor(sub, name + "." + sub.name, optional || !def.required));
    wrap.append(box);
    return wrap;
  }
  const required = (def.required || Boolean(def.required_without)) && !optional;
  const label = el("label", { class: "form-label", for: id }, labelOf(def, name), required ? " *" : "");
  let input;
  const options = await optionsOf(def);
  if (def.type === "boolean") {
    input = el("input", { class: "form-check-input ms-2", type: "checkbox", id, name });
    wrap.append(label, input);
  } else {
    if (options) {
      const multiple = def.type === "array";
      input = el("select", { class: "form-select", id, name, multiple, required });
      if (!multiple) input.append(el("option", { value: "" }, t("choose")));
      for (const option of options) input.append(el("option", { value: option.value }, option.label));
    } else if ((def.maxLength || def.max_length || 0) > 200 || def.format === "textarea" || (def.type === "string" && !def.maxLength && !def.max_length && !def.format)) {
      input = el("textarea", { class: "form-control", id, name, rows: 3, required, maxlength: def.maxLength || def.max_length });
    } else {
      const type = def.format === "date" || def.type === "date" ? "date" : def.type === "integer" || def.type === "number" ? "number" : "text";
      input = el("input", { class: "form-control", type, id, name, required, maxlength: def.maxLength || def.max_length });
    }
    wrap.append(label, input);
  }
  wrap.append(el("div", { class: "invalid-feedback", id: id + "-error" }));
  return wrap;
}

// The form as the item's data: inputs named "group.field" make nested objects; a field left
// empty is left out (the server's default applies); an empty optional group is left out; a group
// sent as a list holds one entry. Inner groups are settled before the groups around them.
function collect(form) {
  const data = {};
  for (const input of form.querySelectorAll("input, select, textarea")) {
    if (!input.name) continue;
    let value;
    if (input.type === "checkbox") value = input.checked;
    else if (input.multiple) value = [...input.selectedOptions].map((o) => o.value);
    else value = input.value.trim();
    if (value === "" || (Array.isArray(value) && !value.length)) continue;
    if (input.type === "number") value = Number(value);
    const parts = input.name.split(".");
    let target = data;
    for (const part of parts.slice(0, -1)) target = target[part] = target[part] || {};
    target[parts[parts.length - 1]] = value;
  }
  const groups = [...form.querySelectorAll("fieldset[data-group]")];
  groups.sort((x, y) => y.dataset.group.split(".").length - x.dataset.group.split(".").length);
  for (const group of groups) {
    const parts = group.dataset.group.split(".");
    let parent = data;
    for (const part of parts.slice(0, -1)) parent = parent && !Array.isArray(parent) ? parent[part] : undefined;
    if (!parent) continue;
    const name = parts[parts.length - 1];
    const values = Object.values(parent[name] || {});
    if (!values.some((v) => v !== false && !(Array.isArray(v) && !v.length))) delete parent[name];
    else if (group.dataset.array) parent[name] = [parent[name]];
  }
  return data;
}

function groupErrors(kindDef, data) {
  const errors = validate(kindDef, data, t);
  for (const field of fieldsOf(kindDef)) {
    const objectDef = objectOf(field);
    const value = data[field.name];
    if (!objectDef || !value) continue;
    delete errors[field.name];
    const inner = validate(objectDef, Array.isArray(value) ? value[0] : value, t);
    for (const [name, messages] of Object.entries(inner)) errors[field.name + "." + name] = messages;
  }
  return errors;
}

let currentForm = null;

async function renderForm(kind, target) {
  const forms = (await store.get("state:forms")) || {};
  const def = forms[kind];
  $("form-title").textContent = t(kind === "child_register" || kind === "intake" ? kind : "kind_" + kind);
  const fields = $("form-fields");
  fields.replaceChildren();
  $("form-target").textContent = "";
  $("form-save").disabled = !def;
  currentForm = null;
  if (!def) {
    fields.append(el("p", { class: "text-body-secondary" }, t("no_forms")));
    return;
  }
  let targetRecord = null;
  if (target) {
    targetRecord = (await store.get("case:" + target)) || (await store.get("person:" + target));
    if (targetRecord && targetRecord.case_number) {
      const child = (await store.get("person:" + targetRecord.child)) || {};
      $("form-target").textContent = t("case") + ": " + targetRecord.case_number + " · " + personName(child);
    }
  }
  let formDef = def;
  // A follow-up is recorded done by choosing one of the case's open follow-ups (sync down's
  // summary.followups); with none chosen, a new one is planned.
  const open = kind === "followup" && targetRecord && targetRecord.summary && targetRecord.summary.followups;
  const props = def.fields || def.properties;
  if (open && open.length && props && props.followup) {
    const choices = open.map((f) => ({ code: f.id, label: [f.due_on, f.purpose].filter(Boolean).join(" · ") }));
    formDef = { ...def, [def.fields ? "fields" : "properties"]: { ...props, followup: { ...props.followup, choices } } };
  }
  for (const field of fieldsOf(formDef)) fields.append(await inputFor(field, field.name));
  currentForm = { kind, def: formDef, target: targetRecord ? target : null, record: targetRecord };
}

async function saveForm(event) {
  event.preventDefault();
  if (!currentForm) return;
  const form = $("record-form");
  const data = collect(form);
  const errors = groupErrors(currentForm.def, data);
  for (const input of form.querySelectorAll(".is-invalid")) input.classList.remove("is-invalid");
  for (const box of form.querySelectorAll(".invalid-feedback")) box.textContent = "";
  const names = Object.keys(errors);
  if (names.length) {
    for (const name of names) {
      const id = "f-" + name.replace(/\./g, "-");
      if ($(id)) $(id).classList.add("is-invalid");
      if ($(id + "-error")) $(id + "-error").textContent = errors[name].join(" ");
    }
    const first = $("f-" + names[0].replace(/\./g, "-"));
    if (first) first.focus();
    return;
  }
  const { kind, target, record } = currentForm;
  let label = t(kind);
  if (kind === "child_register") label = personName(data) || label;
  else if (record && record.case_number) label += " · " + record.case_number;
  const item = {
    client_id: crypto.randomUUID(),
    kind,
    target,
    base_version: record ? record.version ?? null : null,
    data,
    resolution: null,
    state: "waiting",
    saved_at: new Date().toISOString(),
    label,
  };
  await store.put("queue:" + item.client_id, item);
  form.reset();
  flash(t("saved"), "success");
  await refreshBadges();
  location.hash = "#caseload";
}

// --- Sync -------------------------------------------------------------------------------------

function badge(status) {
  const kinds = { applied: "success", already_applied: "success", duplicate: "warning", conflict: "warning", invalid: "danger", forbidden: "danger" };
  return el("span", { class: "badge text-bg-" + (kinds[status] || "secondary"), "data-status": status }, t("status_" + status));
}

async function renderSync() {
  const state = (await store.get("state:sync")) || {};
  $("last-sync").textContent = t("last_sync", { when: state.at ? new Date(state.at).toLocaleString() : t("never") });
  // Everything awaited is read before the list is touched: two renders in flight (a sync ending
  // while the page opens) would otherwise both clear the list and both append to it.
  const queued = await sync.queued();
  const rows = [];
  const shown = new Set();
  for (const item of queued) {
    shown.add(item.client_id);
    const status = item.state === "choice" ? item.result.status : "waiting";
    rows.push(
      el(
        "li",
        { class: "list-group-item d-flex flex-wrap gap-2 justify-content-between align-items-center", "data-client-id": item.client_id },
        el("span", {}, item.label),
        item.state === "choice"
          ? el("a", { class: "btn btn-sm btn-warning", href: "#choice/" + item.client_id }, t("status_" + status))
          : badge("waiting"),
      ),
    );
  }
  for (const { item, result } of lastResults) {
    if (shown.has(item.client_id)) continue;
    const row = el(
      "li",
      { class: "list-group-item d-flex flex-wrap gap-2 justify-content-between align-items-center", "data-client-id": item.client_id },
      el("span", {}, item.label),
      badge(result.status),
    );
    if (result.errors && Object.keys(result.errors).length) {
      row.append(el("div", { class: "w-100 small text-danger" }, Object.entries(result.errors).map(([f, m]) => f + ": " + [].concat(m).join(" ")).join("; ")));
    }
    rows.push(row);
  }
  $("sync-results").replaceChildren(...rows);
}

async function doSync({ quiet = false } = {}) {
  const device = await store.meta.get("device");
  if (!device || !store.isUnlocked()) return;
  if (!navigator.onLine) {
    if (!quiet) $("sync-status").textContent = t("need_online");
    return;
  }
  $("sync-status").textContent = t("syncing");
  try {
    const up = await sync.syncUp(api, device.id);
    lastResults = up.results;
    if (up.wipe) return wipe("wiped_revoked");
    const down = await sync.syncDown(api, device.id);
    if (down.wipe) return wipe("wiped_revoked");
    $("sync-status").textContent = t("synced");
  } catch (e) {
    $("sync-status").textContent = e instanceof Offline ? t("sync_failed") : t("server_refused");
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) await checkSession();
  }
  await refreshBadges();
  if (store.isUnlocked()) await route();
}

// A sync asked for while one runs (the user's choice, "Sync now" while the app syncs by itself)
// runs again once it ends, so what was queued or resolved meanwhile is sent too.
let again = false;
function runSync(options) {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await doSync(options);
    } while (again && store.isUnlocked());
  })().finally(() => (running = null));
  return running;
}

async function renderChoice(clientId) {
  const item = await store.get("queue:" + clientId);
  const body = $("choice-body");
  body.replaceChildren();
  if (!item || item.state !== "choice") {
    location.hash = "#sync";
    return;
  }
  const result = item.result;
  const choose = async (resolution) => {
    await sync.resolve(clientId, resolution);
    location.hash = "#sync";
    runSync();
  };
  $("choice-title").textContent = t("status_" + result.status) + " · " + item.label;
  if (result.status === "duplicate") {
    $("choice-help").textContent = t("duplicate_help");
    const list = el("ul", { class: "list-group mb-3", id: "candidates" });
    for (const found of result.candidates || []) {
      // The server answers {person, score, reasons, definite}; a bare person is read alike.
      const candidate = { ...(found.person || found) };
      candidate.id = candidate.id || candidate.public_id;
      list.append(
        el(
          "li",
          { class: "list-group-item d-flex flex-wrap gap-2 justify-content-between align-items-center" },
          el("span", {}, [personName(candidate), candidate.sex, candidate.date_of_birth, candidate.cpims_number].filter(Boolean).join(" · ")),
          el("button", { type: "button", class: "btn btn-sm btn-primary", onclick: () => choose("link:" + candidate.id) }, t("link")),
        ),
      );
    }
    body.append(list, el("button", { type: "button", class: "btn btn-outline-primary", onclick: () => choose("register_anyway") }, t("register_anyway")));
  } else {
    $("choice-help").textContent = t("conflict_help");
    let mine = item.data || {};
    let server = result.server || {};
    // A case note against the case as the server holds it: her text beside the case's notes.
    if (item.kind === "case_note" && server.case_number) {
      mine = { notes: mine.text };
      server = { notes: (server.summary || {}).notes };
    }
    const keys = [...new Set([...Object.keys(mine), ...Object.keys(server)])];
    const show = (v) => (v === undefined || v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
    const table = el(
      "table",
      { class: "table table-sm offline-conflict", id: "conflict-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, ""), el("th", { scope: "col" }, t("mine")), el("th", { scope: "col" }, t("server")))),
      el(
        "tbody",
        {},
        keys.map((k) =>
          el("tr", { class: show(mine[k]) !== show(server[k]) ? "table-warning" : null }, el("th", { scope: "row" }, humanize(k)), el("td", {}, show(mine[k])), el("td", {}, show(server[k]))),
        ),
      ),
    );
    body.append(
      el("div", { class: "table-responsive" }, table),
      el(
        "div",
        { class: "d-flex flex-wrap gap-2" },
        el("button", { type: "button", class: "btn btn-primary", onclick: () => choose("keep_mine") }, t("keep_mine")),
        el("button", { type: "button", class: "btn btn-outline-primary", onclick: () => choose("keep_server") }, t("keep_server")),
      ),
    );
  }
}

async function renderLog() {
  const rows = [];
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
  for (const item of await sync.queued()) rows.push({ ...item, status: item.state === "choice" ? "choice" : "waiting" });
  for (const entry of await store.all("log")) rows.push(entry);
  rows.sort((a, b) => (a.saved_at < b.saved_at ? 1 : -1));
  $("log-rows").replaceChildren(
    ...rows.map((r) =>
      el("tr", { "data-client-id": r.client_id }, el("td", {}, r.label), el("td", {}, when(r.saved_at)), el("td", {}, when(r.sent_at)), el("td", {}, badge(r.status))),
    ),
  );
}

// --- Routing and start ------------------------------------------------------------------------

// Routes overlap: a sync ends and re-renders #sync while the user has already followed a link
// to a choice. Only the newest route may show its view, or the stale one would hide the new one.
let routeSeq = 0;

async function route() {
  const seq = ++routeSeq;
  const showIfCurrent = (name) => {
    if (seq === routeSeq) show(name);
  };
  if (!(await store.meta.get("device"))) return showIfCurrent("setpin");
  if (!store.isUnlocked()) return showIfCurrent("unlock");
  const [name, ...rest] = location.hash.replace(/^#/, "").split("/");
  if (name === "form") {
    await renderForm(rest[0], rest[1]);
    return showIfCurrent("form");
  }
  if (name === "sync") {
    await renderSync();
    return showIfCurrent("sync");
  }
  if (name === "choice") {
    showIfCurrent("choice");
    return renderChoice(rest[0]);
  }
  if (name === "log") {
    await renderLog();
    return showIfCurrent("log");
  }
  await renderCaseload();
  showIfCurrent("caseload");
}

async function boot() {
  show("loading");
  await refreshBadges();
  await route();
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(config.sw_url, { scope: "/" }).catch(() => {});
}

function idleCheck() {
  if (store.isUnlocked() && Date.now() - lastActivity > config.idle_seconds * 1000) lockApp();
}

function start() {
  $("setpin-form").addEventListener("submit", setPin);
  $("unlock-form").addEventListener("submit", unlock);
  $("record-form").addEventListener("submit", saveForm);
  $("sync-now").addEventListener("click", () => runSync());
  $("lock-now").addEventListener("click", lockApp);
  $("case-search").addEventListener("input", () => renderCaseload());
  window.addEventListener("hashchange", () => {
    flashIfLeaving();
    route();
  });
  for (const name of ["pointerdown", "keydown", "touchstart", "scroll"]) {
    document.addEventListener(name, () => (lastActivity = Date.now()), { passive: true });
  }
  setInterval(idleCheck, 5000);
  document.addEventListener("visibilitychange", idleCheck);
  window.addEventListener("online", async () => {
    await refreshBadges();
    await checkSession();
    if (store.isUnlocked()) runSync({ quiet: true });
  });
  window.addEventListener("offline", refreshBadges);
  setInterval(() => navigator.onLine && checkSession(), 60000);
  // Sign-out wipes this phone's store; unsent records are named first, so none go unnoticed.
  const signOut = document.querySelector('form[action="' + config.logout_url + '"]');
  if (signOut) {
    signOut.addEventListener("submit", async (event) => {
      event.preventDefault();
      const waiting = await store.count("queue");
      if (waiting && !window.confirm(t("signout_unsent", { n: waiting }))) return;
      await store.wipe();
      signOut.submit();
    });
  }
  registerWorker();
  boot().then(() => navigator.onLine && checkSession());
}

// A message outlives the one navigation that follows it (a save, then back to the caseload).
let flashKeep = 0;
function flashIfLeaving() {
  if (flashKeep > 0) flashKeep--;
  else flash("");
}

start();
