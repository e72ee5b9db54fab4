// REST calls to our own origin: JSON in and out, the bearer token when signed in, and errors
// turned into ApiError with the server's human-readable message.

import * as session from "./session.js";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The message of an error body: the server sends `message`; older services `error` or `detail`. */
export function messageOf(body, fallback = "something went wrong") {
  if (body && typeof body === "object") {
    for (const key of ["message", "error", "detail"]) {
      if (typeof body[key] === "string" && body[key]) return body[key];
    }
  }
  return fallback;
}

/**
 * `api("/questions", { query: { page: 2 } })`, `api("/auth/login", { method: "POST", body })`.
 * Empty query values are left out; arrays become repeated parameters.
 */
export async function api(path, { method = "GET", body, query } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") url.searchParams.append(key, item);
    }
  }
  const headers = { Accept: "application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "cannot reach the PeerPrep server; check your connection");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    // A token the server no longer accepts (expired, or a new secret): sign out, log in again.
    if (response.status === 401 && token) session.signOut();
    throw new ApiError(response.status, messageOf(data, `${response.status} ${response.statusText}`));
  }
  return data;
}
