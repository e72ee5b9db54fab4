// PeerPrep's browser client: the navigation bar and the page table.

import "./style.css";
import { fill, h } from "./dom.js";
import { loginPage, signupPage } from "./pages/auth.js";
import { historyPage } from "./pages/history.js";
import { matchPage } from "./pages/match.js";
import { profilePage } from "./pages/profile.js";
import { questionPage } from "./pages/question.js";
import { questionsPage } from "./pages/questions.js";
import { rankingPage } from "./pages/ranking.js";
import { roomPage } from "./pages/room.js";
import * as router from "./router.js";
import * as session from "./session.js";

router.define([
  ["/login", loginPage, { public: true }],
  ["/signup", signupPage, { public: true }],
  ["/questions", questionsPage, { public: true }],
  ["/questions/:id", questionPage, { public: true }],
  ["/match", matchPage],
  ["/room/:id", roomPage],
  ["/history", historyPage],
  ["/ranking", rankingPage],
  ["/profile", profilePage],
]);

const LINKS = [
  ["/questions", "Questions", true],
  ["/match", "Find a partner", false],
  ["/history", "History", false],
  ["/ranking", "Ranking", false],
  ["/profile", "Profile", false],
];

const nav = document.getElementById("nav");
let currentPath = "/";

function renderNav() {
  const signedIn = session.current();
  const link = ([path, label]) =>
    h("a", { href: `#${path}`, class: currentPath.startsWith(path) ? "active" : "", "aria-current": currentPath.startsWith(path) ? "page" : null }, label);
  fill(
    nav,
    h(
      "nav",
      { class: "topbar" },
      h("a", { class: "brand", href: "#/" }, "PeerPrep"),
      h("div", { class: "links" }, LINKS.filter(([, , open]) => open || signedIn).map(link)),
      signedIn
        ? h(
            "div",
            { class: "account" },
            h("span", { class: "who", title: signedIn.user.email ?? "" }, signedIn.user.username),
            h("button", { type: "button", class: "link", onclick: () => session.signOut() }, "Log out"),
          )
        : h("div", { class: "account" }, link(["/login", "Log in"]), link(["/signup", "Sign up"])),
    ),
  );
}

session.onChange(renderNav);
router.start(document.getElementById("page"), (path) => {
  currentPath = path;
  renderNav();
});
