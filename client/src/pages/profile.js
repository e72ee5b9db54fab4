// #/profile: the user's profile (GET/PATCH /profile/me) and standing.

import { api } from "../api.js";
import { fill, formatDate, h, notice } from "../dom.js";
import * as session from "../session.js";

function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

export async function profilePage(root, ctx) {
  const { profile } = await api("/profile/me");
  if (!ctx.active) return;
  session.updateUser(profile);
  const message = h("div", { class: "form-message" });
  const button = h("button", { type: "submit", class: "primary" }, "Save");
  const form = h(
    "form",
    {
      class: "card profile",
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        const body = Object.fromEntries(new FormData(form).entries());
        try {
          const saved = await api("/profile/me", { method: "PATCH", body });
          session.updateUser(saved);
          fill(message, notice("success", "Saved."));
        } catch (error) {
          fill(message, notice("error", error.message));
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", {}, "Profile"),
    field("Email", h("input", { value: profile.email ?? "", disabled: true })),
    field("Username", h("input", { name: "username", value: profile.username, required: true, pattern: "[A-Za-z0-9_.\\-]{3,32}" })),
    field("First name", h("input", { name: "first_name", value: profile.first_name ?? "", maxlength: 100 })),
    field("Last name", h("input", { name: "last_name", value: profile.last_name ?? "", maxlength: 100 })),
    message,
    button,
  );
  fill(
    root,
    form,
    h(
      "div",
      { class: "stats" },
      h("div", { class: "card stat" }, h("strong", {}, String(profile.total_points)), h("span", {}, "points")),
      h("div", { class: "card stat" }, h("strong", {}, String(profile.questions_completed)), h("span", {}, "questions completed")),
      h("div", { class: "card stat" }, h("strong", {}, formatDate(profile.created_at)), h("span", {}, "member since")),
    ),
  );
}
