// #/questions: the bank, with search, topic and difficulty filters and pages. The filters live in
// the URL's query, so a reload or the back button keeps them.

import { api } from "../api.js";
import { difficultyBadge, fill, h, notice, topicTags } from "../dom.js";
import { setQuery } from "../router.js";
import { loadTopics } from "../topics.js";

const PAGE_SIZE = 10;
const SEARCH_DELAY_MS = 250;

export async function questionsPage(root, ctx) {
  const state = {
    q: ctx.query.get("q") ?? "",
    difficulty: ctx.query.get("difficulty") ?? "",
    topic: ctx.query.get("topic") ?? "",
    page: Math.max(1, Number.parseInt(ctx.query.get("page") ?? "1", 10) || 1),
  };
  const search = h("input", { type: "search", name: "q", placeholder: "Search titles", value: state.q, "aria-label": "Search titles" });
  const difficulty = h(
    "select",
    { name: "difficulty", "aria-label": "Difficulty" },
    h("option", { value: "" }, "Any difficulty"),
    ["easy", "medium", "hard"].map((level) => h("option", { value: level, selected: state.difficulty === level }, level[0].toUpperCase() + level.slice(1))),
  );
  const topic = h("select", { name: "topic", "aria-label": "Topic" }, h("option", { value: "" }, "Any topic"));
  const results = h("div", { class: "results" });
  const pager = h("div", { class: "pager" });
  fill(
    root,
    h("h1", {}, "Questions"),
    h("div", { class: "filters card" }, search, difficulty, topic),
    results,
    pager,
  );

  let request = 0;
  async function load() {
    setQuery({ q: state.q, difficulty: state.difficulty, topic: state.topic, page: state.page > 1 ? state.page : "" });
    const mine = ++request;
    results.classList.add("loading");
    let listing;
    try {
      listing = await api("/questions", {
        query: { page: state.page, pageSize: PAGE_SIZE, q: state.q.trim(), difficulty: state.difficulty, topic: state.topic, sortBy: "id" },
      });
    } catch (error) {
      if (mine === request) fill(results, notice("error", error.message));
      return;
    } finally {
      if (mine === request) results.classList.remove("loading");
    }
    if (mine !== request || !ctx.active) return;
    renderResults(listing);
  }

  function renderResults(listing) {
    const pages = Math.max(1, Math.ceil(listing.total / listing.pageSize));
    if (listing.items.length === 0) {
      fill(results, notice("info", "No question matches these filters."));
    } else {
      fill(
        results,
        h(
          "ul",
          { class: "question-list" },
          listing.items.map((item) =>
            h(
              "li",
              { class: "card question-item" },
              h("a", { href: `#/questions/${item.id}`, class: "title" }, item.title),
              h("div", { class: "meta" }, difficultyBadge(item.difficulty), topicTags(item.topics), h("span", { class: "muted" }, `${item.acceptance_rate}% accepted`)),
            ),
          ),
        ),
      );
    }
    const go = (page) => () => {
      state.page = page;
      load();
    };
    fill(
      pager,
      h("button", { type: "button", disabled: state.page <= 1, onclick: go(state.page - 1) }, "← Previous"),
      h("span", { class: "muted" }, `Page ${listing.page} of ${pages} · ${listing.total} question${listing.total === 1 ? "" : "s"}`),
      h("button", { type: "button", disabled: state.page >= pages, onclick: go(state.page + 1) }, "Next →"),
    );
  }

  const refilter = () => {
    state.page = 1;
    load();
  };
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = search.value;
      refilter();
    }, SEARCH_DELAY_MS);
  });
  ctx.onLeave(() => clearTimeout(timer));
  difficulty.addEventListener("change", () => {
    state.difficulty = difficulty.value;
    refilter();
  });
  topic.addEventListener("change", () => {
    state.topic = topic.value;
    refilter();
  });

  load();
  const topics = await loadTopics();
  topic.append(...topics.map((summary) => h("option", { value: summary.topic, selected: state.topic === summary.topic }, `${summary.topic} (${summary.total})`)));
}
