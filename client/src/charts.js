// Simple horizontal bar charts: for each label, how many attempts and how many completed.

import { h } from "./dom.js";

/** `rows`: `[{label, attempted, completed}]`. */
export function barChart(title, rows, { className = "" } = {}) {
  const most = Math.max(1, ...rows.map((row) => row.attempted));
  return h(
    "figure",
    { class: `chart ${className}` },
    h("figcaption", {}, title),
    rows.length === 0
      ? h("p", { class: "muted" }, "Nothing yet.")
      : h(
          "div",
          { class: "bars" },
          rows.map((row) =>
            h(
              "div",
              { class: "bar-row", title: `${row.label}: ${row.completed} completed of ${row.attempted}` },
              h("span", { class: "bar-label" }, row.label),
              h(
                "span",
                { class: "bar-track" },
                h("span", { class: "bar attempted", style: { width: `${(100 * row.attempted) / most}%` } }),
                h("span", { class: "bar completed", style: { width: `${(100 * row.completed) / most}%` } }),
              ),
              h("span", { class: "bar-value" }, `${row.completed}/${row.attempted}`),
            ),
          ),
        ),
  );
}
