// CPIMS field app service worker (rendered by cpims.offline.views.service_worker).
// It keeps the app shell (no personal data) in a cache named after the shell version, so a
// deploy that changes the shell replaces the cache. It never touches /api/: records with
// personal data live only in the encrypted IndexedDB store, never in the Cache API.
"use strict";
const VERSION = {{ version_json|safe }};
const CACHE = "cpims-shell-" + VERSION;
const SHELL = {{ shell_urls_json|safe }};
const APP_URL = {{ app_url_json|safe }};
const LOGOUT_URL = {{ logout_url_json|safe }};
const DB_NAME = "cpims-offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "same-origin", cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("cpims-shell-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function wipe() {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Signing out wipes the field data on this device (the page asks first when records wait).
  if (request.method === "POST" && url.pathname === LOGOUT_URL) {
    event.waitUntil(wipe());
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (url.pathname === APP_URL && request.mode === "navigate") {
    // The page: from the network when there is one (fresh CSRF token, new version), else the copy.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(APP_URL, copy));
          }
          return response;
        })
        .catch(() => caches.match(APP_URL).then((cached) => cached || Response.error())),
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
