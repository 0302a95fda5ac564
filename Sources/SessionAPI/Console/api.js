// The console's only way to the server: the public HTTP API, same origin, with the tab's API key if one was given.

const KEY = "sessiond.apiKey";

/** The API key kept for this tab only (sessionStorage), or null. */
export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setAPIKey(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
}

/** An error the API answered with: its status, code and message. */
export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function headers(extra = {}) {
  const result = { ...extra };
  const key = apiKey();
  if (key) result.Authorization = `Bearer ${key}`;
  return result;
}

/** Fetches `path` and returns the response, throwing APIError for any non-2xx answer. */
export async function request(path, { method = "GET", body, signal, accept } = {}) {
  const init = { method, headers: headers(accept ? { Accept: accept } : {}), signal };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let code = "http_error", message = `${response.status} ${response.statusText}`;
    try {
      const payload = await response.json();
      const error = payload.error ?? payload;
      code = error.code ?? error.type ?? code;
      message = error.message ?? error.detail ?? message;
    } catch { /* not JSON */ }
    throw new APIError(response.status, code, message);
  }
  return response;
}

export async function json(path, options) {
  return (await request(path, options)).json();
}

/** `?a=1&b=…` from an object, skipping empty values. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const sessionPath = (id) => `/v1/sessions/${encodeURIComponent(id)}`;
