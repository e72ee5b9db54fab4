// A small hyperscript helper: h("button", { class: "primary", onclick }, "Save").
// Strings always become text nodes, so nothing from the server is ever parsed as HTML here
// (the one place that renders HTML is markdown.js, which sanitises it).

const PROPERTIES = new Set(["value", "checked", "disabled", "selected", "hidden", "open"]);

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key === "style" && typeof value === "object") {
      Object.assign(element.style, value);
    } else if (PROPERTIES.has(key)) {
      element[key] = value;
    } else if (value !== false) {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replace everything inside `element` with `children`. */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

export function formatTime(value) {
  return new Date(value).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDate(value) {
  return new Date(value).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

/** `m:ss` of a number of seconds. */
export function formatElapsed(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function difficultyBadge(difficulty) {
  const level = String(difficulty ?? "").toLowerCase();
  return h("span", { class: `badge difficulty-${level}` }, level || "?");
}

export function topicTags(topics) {
  return h("span", { class: "tags" }, (topics ?? []).map((topic) => h("span", { class: "tag" }, topic)));
}

export function notice(kind, ...children) {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}
