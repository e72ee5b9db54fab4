// The room's chat: the history sent on joining, then every new message (ours come back too).

import { fill, formatTime, h } from "../dom.js";
import { nameTag } from "../names.js";
import { colorOf } from "../colors.js";

const MAX_CHARS = 2000;

export function createChat({ me, send }) {
  const list = h("ol", { class: "chat-messages", "aria-label": "Conversation" });
  const input = h("input", { name: "message", placeholder: "Message your partner", maxlength: MAX_CHARS, autocomplete: "off", "aria-label": "Chat message" });
  const button = h("button", { type: "submit" }, "Send");
  const element = h(
    "section",
    { class: "panel chat" },
    h("h2", {}, "Chat"),
    list,
    h(
      "form",
      {
        class: "chat-form",
        onsubmit: (event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (!text) return;
          send(text);
          input.value = "";
        },
      },
      input,
      button,
    ),
  );
  const seen = new Set();

  function line(message) {
    const mine = message.userId === me;
    return h(
      "li",
      { class: mine ? "chat-message mine" : "chat-message", dataset: { id: message.id } },
      h("div", { class: "chat-meta" }, h("span", { style: { color: colorOf(message.userId).color } }, mine ? "You" : nameTag(message.userId)), " · ", formatTime(message.timestamp)),
      h("div", { class: "chat-text" }, message.text),
    );
  }

  function add(message) {
    if (!message || seen.has(message.id)) return;
    seen.add(message.id);
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    list.append(line(message));
    if (atBottom || message.userId === me) list.scrollTop = list.scrollHeight;
  }

  return {
    element,
    replace(messages) {
      seen.clear();
      fill(list);
      messages.forEach(add);
      list.scrollTop = list.scrollHeight;
    },
    add,
    note(text, action) {
      list.append(
        h(
          "li",
          { class: "chat-note" },
          text,
          action && h("button", { type: "button", class: "link", onclick: action.run }, action.label),
        ),
      );
      list.scrollTop = list.scrollHeight;
    },
    setEnabled(yes) {
      input.disabled = !yes;
      button.disabled = !yes;
    },
  };
}
