// The signed-in user: the access token from /auth/login or /auth/signup and the user it names,
// kept in localStorage as the existing frontend keeps its session. Every tab of a browser shares
// it, so a partner on the same machine uses a private window or another browser.

const KEY = "peerprep.session";
const listeners = new Set();

function read() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? "null");
    if (stored && typeof stored.token === "string" && stored.expiresAt > Date.now()) return stored;
  } catch {
    // A damaged entry is the same as none.
  }
  return null;
}

/** `{token, expiresAt, user}` or null when signed out (or the token has expired). */
export function current() {
  const session = read();
  if (session === null && localStorage.getItem(KEY) !== null) localStorage.removeItem(KEY);
  return session;
}

export function token() {
  return current()?.token ?? null;
}

export function user() {
  return current()?.user ?? null;
}

/** Keep the answer of /auth/login or /auth/signup. */
export function signIn({ access_token: accessToken, expires_in: expiresIn, user: profile }) {
  write({ token: accessToken, expiresAt: Date.now() + expiresIn * 1000, user: profile });
}

/** Replace the stored profile (after an edit), keeping the token. */
export function updateUser(profile) {
  const session = current();
  if (session) write({ ...session, user: { ...session.user, ...profile } });
}

export function signOut() {
  localStorage.removeItem(KEY);
  notify();
}

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function write(session) {
  localStorage.setItem(KEY, JSON.stringify(session));
  notify();
}

function notify() {
  for (const listener of listeners) listener(current());
}

// Another tab signed in or out.
window.addEventListener("storage", (event) => {
  if (event.key === KEY) notify();
});
