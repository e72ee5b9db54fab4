// The room's edit history, newest first: who changed what and when, and "Restore" to make the
// text what it was right after that edit. A restore is itself a new edit, so it can be undone
// by restoring an earlier entry: nothing is ever lost.

import { fill, formatTime, h } from "../dom.js";
import { nameTag } from "../names.js";

const SHOWN = 50;

function describe(change) {
  const sign = change.type === "insert" ? "+" : "−";
  const snippet = change.snippet.length > 40 ? `${change.snippet.slice(0, 40)}…` : change.snippet;
  return h(
    "li",
    { class: `change ${change.type}` },
    `${sign} line ${change.line}:${change.col} `,
    h("code", {}, JSON.stringify(snippet)),
  );
}

export function createHistory({ me, revert }) {
  const list = h("ol", { class: "history-list", "aria-label": "Edit history" });
  const element = h("section", { class: "panel history" }, h("h2", {}, "Edit history"), list);
  let records = [];
  let enabled = false;

  function render() {
    if (records.length === 0) {
      fill(list, h("li", { class: "muted" }, "No edits yet."));
      return;
    }
    fill(
      list,
      records.map((record) =>
        h(
          "li",
          { class: "history-item", dataset: { timestamp: record.timestamp } },
          h(
            "div",
            { class: "history-meta" },
            h("span", {}, record.userId === me ? "You" : nameTag(record.userId), " · ", formatTime(record.timestamp)),
            h(
              "button",
              {
                type: "button",
                class: "small",
                disabled: !enabled,
                title: "Make the text what it was right after this edit (as a new edit)",
                onclick: () => revert(record.timestamp),
              },
              "Restore",
            ),
          ),
          h("ul", { class: "changes" }, record.changes.slice(0, 4).map(describe), record.changes.length > 4 && h("li", { class: "muted" }, `and ${record.changes.length - 4} more`)),
        ),
      ),
    );
  }

  render();
  return {
    element,
    replace(list) {
      records = list.slice(0, SHOWN);
      render();
    },
    add(record) {
      if (!record || records.some((known) => known.timestamp === record.timestamp && known.userId === record.userId)) return;
      records = [record, ...records].sort((a, b) => b.timestamp - a.timestamp).slice(0, SHOWN);
      render();
    },
    setEnabled(yes) {
      enabled = yes;
      render();
    },
  };
}
