// Usernames by user id (GET /profile/username), asked once each.

import { api } from "./api.js";

const known = new Map();

export function setName(userId, username) {
  if (userId && username) known.set(userId, Promise.resolve(username));
}

export function nameOf(userId) {
  if (!userId) return Promise.resolve("someone");
  if (!known.has(userId)) {
    known.set(
      userId,
      api("/profile/username", { query: { userId } })
        .then((reply) => reply.username)
        .catch(() => "someone"),
    );
  }
  return known.get(userId);
}

/** A span that shows the user's name once known. */
export function nameTag(userId, className = "name") {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = "…";
  nameOf(userId).then((name) => {
    span.textContent = name;
  });
  return span;
}
