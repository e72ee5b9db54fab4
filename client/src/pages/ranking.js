// #/ranking: the leaderboard by points, with the user's own place.

import { api } from "../api.js";
import { fill, h } from "../dom.js";

const PAGE_SIZE = 20;

export async function rankingPage(root, ctx) {
  let page = 1;
  async function load() {
    const listing = await api("/ranking", { query: { page, pageSize: PAGE_SIZE } });
    if (!ctx.active) return;
    const pages = Math.max(1, Math.ceil(listing.total / listing.pageSize));
    const me = listing.me;
    const go = (to) => () => {
      page = to;
      load();
    };
    fill(
      root,
      h("h1", {}, "Ranking"),
      me
        ? h("p", { class: "card you" }, `You are #${me.rank} with ${me.total_points} point${me.total_points === 1 ? "" : "s"} and ${me.questions_completed} question${me.questions_completed === 1 ? "" : "s"} completed.`)
        : h("p", { class: "muted" }, "Complete a question in a session to enter the ranking."),
      h(
        "table",
        { class: "ranking card" },
        h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "User"), h("th", {}, "Points"), h("th", {}, "Completed"))),
        h(
          "tbody",
          {},
          listing.items.map((row) =>
            h(
              "tr",
              { class: me && row.user_id === me.user_id ? "mine" : "" },
              h("td", {}, String(row.rank)),
              h("td", {}, row.username),
              h("td", {}, String(row.total_points)),
              h("td", {}, String(row.questions_completed)),
            ),
          ),
        ),
      ),
      pages > 1 &&
        h(
          "div",
          { class: "pager" },
          h("button", { type: "button", disabled: page <= 1, onclick: go(page - 1) }, "← Previous"),
          h("span", { class: "muted" }, `Page ${page} of ${pages}`),
          h("button", { type: "button", disabled: page >= pages, onclick: go(page + 1) }, "Next →"),
        ),
    );
  }
  await load();
}
