// Calls to /api/v1/offline/ (the sync contract in docs/offline.md), with the session and CSRF.
export class Offline extends Error {}
export class ApiError extends Error {
  constructor(status, body) {
    super("HTTP " + status);
    this.status = status;
    this.body = body;
  }
}

export function makeApi(config) {
  function csrf() {
    const name = config.csrf_cookie + "=";
    const found = document.cookie.split(";").map((c) => c.trim()).find((c) => c.startsWith(name));
    return found ? decodeURIComponent(found.slice(name.length)) : "";
  }

  async function call(method, path, body) {
    const init = {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = csrf();
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(config.api + path, init);
    } catch (e) {
      throw new Offline(String(e));
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  return {
    registerDevice: (label) => call("POST", "devices/", { label }),
    syncDown: (device, cursor) =>
      call("GET", "sync/?device=" + encodeURIComponent(device) + "&cursor=" + encodeURIComponent(cursor || "")),
    syncUp: (device, items) => call("POST", "sync/", { device, items }),
    forms: () => call("GET", "forms/"),
    // Whether the server still knows this browser as signed in (null: no connection).
    async signedIn() {
      try {
        const response = await fetch(config.session_url, {
          credentials: "same-origin",
          cache: "no-store",
          redirect: "manual",
        });
        // An ended session is sent to the sign-in page before the probe runs.
        if (response.type === "opaqueredirect") return false;
        if (!response.ok) return null;
        return (await response.json()).signed_in;
      } catch (e) {
        return null;
      }
    },
  };
}
