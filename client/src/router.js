// Hash routing (`#/questions`, `#/room/<id>`): the server owns every real path, the client only
// `/` and `/app/`. Each page is `(root, ctx) => void | Promise<void>`; what it opens (sockets,
// timers) it hands to `ctx.onLeave`, which runs when the user goes to another page.

import * as session from "./session.js";

let routes = [];
let currentVisit = null;
let pageRoot = null;
let afterRender = null;

/** `[pattern, page, { public: true }]`; patterns are paths with `:name` parts. */
export function define(table) {
  routes = table.map(([pattern, page, options = {}]) => ({
    names: [...pattern.matchAll(/:(\w+)/g)].map((match) => match[1]),
    regex: new RegExp(`^${pattern.replace(/:(\w+)/g, "([^/]+)")}$`),
    page,
    public: Boolean(options.public),
  }));
}

export function location() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: new URLSearchParams(search) };
}

export function navigate(path, { replace = false } = {}) {
  const target = `#${path}`;
  if (replace) {
    window.history.replaceState(null, "", target);
    render();
  } else if (window.location.hash === target) {
    render();
  } else {
    window.location.hash = target;
  }
}

/** Change the current URL's query without rendering again (filters typed into a page). */
export function setQuery(values) {
  const { path } = location();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, value);
  }
  const search = query.toString();
  window.history.replaceState(null, "", `#${path}${search ? `?${search}` : ""}`);
}

export function start(root, onRender) {
  window.addEventListener("hashchange", () => render());
  session.onChange((signedIn) => {
    // Signed out (here or in another tab) while on a private page: to the login page.
    if (!signedIn && currentVisit && !currentVisit.route.public) navigate("/login");
  });
  pageRoot = root;
  afterRender = onRender;
  render();
}

function render() {
  const { path, query } = location();
  if (currentVisit) leave(currentVisit);
  const found = match(path);
  if (!found) {
    navigate(session.current() ? "/match" : "/login", { replace: true });
    return;
  }
  if (!found.route.public && !session.current()) {
    const next = encodeURIComponent(`${path}${query.toString() ? `?${query}` : ""}`);
    navigate(`/login?next=${next}`, { replace: true });
    return;
  }
  const visit = { route: found.route, cleanups: [], active: true };
  currentVisit = visit;
  const ctx = {
    params: found.params,
    query,
    get active() {
      return visit.active;
    },
    onLeave(cleanup) {
      if (visit.active) visit.cleanups.push(cleanup);
      else cleanup();
    },
  };
  const container = document.createElement("div");
  container.className = "page";
  pageRoot.replaceChildren(container);
  afterRender?.(path);
  Promise.resolve()
    .then(() => found.route.page(container, ctx))
    .catch((error) => {
      if (!visit.active) return;
      console.error(error);
      const message = document.createElement("p");
      message.className = "notice error";
      message.setAttribute("role", "alert");
      message.textContent = error?.message ?? String(error);
      container.append(message);
    });
}

function leave(visit) {
  visit.active = false;
  for (const cleanup of visit.cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error(error);
    }
  }
}

function match(path) {
  for (const route of routes) {
    const found = route.regex.exec(path);
    if (found) {
      const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(found[index + 1])]));
      return { route, params };
    }
  }
  return null;
}
