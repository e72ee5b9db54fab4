// Log in and sign up against our /auth routes; the token is kept by session.js.

import { api } from "../api.js";
import { fill, h, notice } from "../dom.js";
import { navigate } from "../router.js";
import * as session from "../session.js";

function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

function authForm(root, ctx, { title, fields, submitLabel, path, footer }) {
  const message = h("div", { class: "form-message" });
  const button = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h(
    "form",
    {
      class: "card auth",
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        fill(message);
        const body = Object.fromEntries(new FormData(form).entries());
        try {
          session.signIn(await api(path, { method: "POST", body }));
          navigate(ctx.query.get("next") || "/match");
        } catch (error) {
          fill(message, notice("error", error.message));
          button.disabled = false;
        }
      },
    },
    h("h1", {}, title),
    fields,
    message,
    button,
    h("p", { class: "muted" }, footer),
  );
  fill(root, form);
  form.querySelector("input")?.focus();
}

export function loginPage(root, ctx) {
  const next = ctx.query.get("next");
  authForm(root, ctx, {
    title: "Log in",
    submitLabel: "Log in",
    path: "/auth/login",
    fields: [
      field("Email", h("input", { name: "email", type: "email", autocomplete: "username", required: true })),
      field("Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    ],
    footer: ["New here? ", h("a", { href: `#/signup${next ? `?next=${encodeURIComponent(next)}` : ""}` }, "Create an account"), "."],
  });
}

export function signupPage(root, ctx) {
  authForm(root, ctx, {
    title: "Sign up",
    submitLabel: "Create account",
    path: "/auth/signup",
    fields: [
      field("Email", h("input", { name: "email", type: "email", autocomplete: "email", required: true })),
      field(
        "Username",
        h("input", {
          name: "username",
          autocomplete: "username",
          required: true,
          pattern: "[A-Za-z0-9_.\\-]{3,32}",
          title: "3 to 32 letters, digits, dots, dashes or underscores",
        }),
      ),
      field("Password", h("input", { name: "password", type: "password", autocomplete: "new-password", minlength: 8, required: true })),
    ],
    footer: ["Already have an account? ", h("a", { href: "#/login" }, "Log in"), "."],
  });
}
