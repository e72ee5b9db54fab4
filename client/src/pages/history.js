// #/history: the user's attempts (newest first) with their final code, and charts of progress
// by difficulty and topic. `?session=<roomId>` comes from leaving a room: the attempt is recorded
// when the session ends (both partners gone), so the page waits for it.

import { api } from "../api.js";
import { barChart } from "../charts.js";
import { difficultyBadge, fill, formatDate, h, notice, topicTags } from "../dom.js";
import { nameTag } from "../names.js";
import * as session from "../session.js";

const PAGE_SIZE = 100;
const MAX_PAGES = 10;
const POLL_MS = 2000;
const POLL_FOR_MS = 5 * 60 * 1000;
const LEVELS = ["easy", "medium", "hard"];

async function allAttempts() {
  const items = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const listing = await api("/attempts", { query: { page, pageSize: PAGE_SIZE } });
    items.push(...listing.items);
    if (items.length >= listing.total || listing.items.length === 0) return { items, total: listing.total };
  }
  return { items, total: items.length };
}

function tally(attempts, keysOf) {
  const rows = new Map();
  for (const attempt of attempts) {
    for (const key of keysOf(attempt)) {
      const row = rows.get(key) ?? { label: key, attempted: 0, completed: 0 };
      row.attempted += 1;
      if (attempt.status === "completed") row.completed += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}

function levelOf(attempt) {
  return String(attempt.question?.difficulty ?? "unknown").toLowerCase();
}

function attemptCard(attempt) {
  const question = attempt.question ?? {};
  const done = attempt.status === "completed";
  return h(
    "li",
    { class: "card attempt", dataset: { session: attempt.session_id ?? "" } },
    h(
      "div",
      { class: "attempt-head" },
      question.id ? h("a", { class: "title", href: `#/questions/${question.id}` }, question.title ?? `Question ${question.id}`) : h("span", { class: "title" }, "A question"),
      difficultyBadge(question.difficulty),
      h("span", { class: `badge status-${done ? "completed" : "other"}` }, attempt.status),
      attempt.best_verdict && bestSubmission(attempt.best_verdict),
      attempt.points_awarded > 0 && h("span", { class: "badge points" }, `+${attempt.points_awarded} pt`),
    ),
    h(
      "div",
      { class: "meta muted" },
      formatDate(attempt.submitted_at ?? attempt.created_at),
      attempt.partner_id && [" · with ", nameTag(attempt.partner_id)],
      attempt.language && ` · ${attempt.language}`,
      topicTags(question.topics),
    ),
    codeDetails(attempt.id),
  );
}

// The room's best submission of the question's tests: what the points depend on.
function bestSubmission(verdict) {
  const accepted = verdict === "Accepted";
  return h("span", { class: `badge best-verdict ${accepted ? "ok" : "bad"}`, title: "Best submission" }, verdict);
}

// The listing carries no code (it can be large): it is fetched when the student opens it.
function codeDetails(attemptId) {
  const body = h("p", { class: "muted" }, "Loading…");
  const details = h("details", { class: "code" }, h("summary", {}, "Final code"), body);
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const attempt = await api(`/attempts/${attemptId}`);
      body.replaceWith(
        attempt.code ? h("pre", {}, h("code", {}, attempt.code)) : h("p", { class: "muted" }, "No code was written."),
      );
    } catch (error) {
      loaded = false;
      body.textContent = "Could not load the code; open it again to retry.";
    }
  });
  return details;
}

export async function historyPage(root, ctx) {
  const waitingFor = ctx.query.get("session");
  fill(root, h("h1", {}, "Your history"), h("p", { class: "muted" }, "Loading…"));
  const startedAt = Date.now();
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));

  async function load() {
    const [{ items, total }, profile] = await Promise.all([allAttempts(), api("/profile/me")]);
    if (!ctx.active) return;
    session.updateUser(profile.profile);
    const pending = waitingFor && !items.some((attempt) => attempt.session_id === waitingFor);
    const completed = items.filter((attempt) => attempt.status === "completed");
    const byLevel = tally(items, (attempt) => [levelOf(attempt)]).sort((a, b) => LEVELS.indexOf(a.label) - LEVELS.indexOf(b.label));
    const byTopic = tally(items, (attempt) => attempt.question?.topics ?? []).sort((a, b) => b.attempted - a.attempted || a.label.localeCompare(b.label));
    fill(
      root,
      h("h1", {}, "Your history"),
      pending &&
        notice(
          "info",
          "Your attempt in that room is recorded when the session ends, once your partner has left too (or after the room has been idle for a while). This page updates by itself.",
        ),
      h(
        "div",
        { class: "stats" },
        h("div", { class: "card stat" }, h("strong", {}, String(profile.profile.total_points)), h("span", {}, "points")),
        h("div", { class: "card stat" }, h("strong", {}, String(profile.profile.questions_completed)), h("span", {}, "questions completed")),
        h("div", { class: "card stat" }, h("strong", {}, String(total)), h("span", {}, "attempts")),
      ),
      h("div", { class: "charts" }, barChart("By difficulty", byLevel, { className: "by-difficulty" }), barChart("By topic", byTopic, { className: "by-topic" })),
      h("p", { class: "legend muted" }, h("span", { class: "swatch completed" }), " completed ", h("span", { class: "swatch attempted" }), " attempted"),
      h("h2", {}, "Attempts"),
      items.length === 0
        ? notice("info", "No attempts yet: find a partner and solve a question together.")
        : h("ol", { class: "attempts" }, items.map(attemptCard)),
      completed.length > 0 && h("p", { class: "muted" }, `${completed.length} of ${items.length} completed.`),
    );
    if (pending && Date.now() - startedAt < POLL_FOR_MS) timer = setTimeout(() => load().catch(show), POLL_MS);
  }

  function show(error) {
    if (ctx.active) root.append(notice("error", error.message));
  }
  await load();
}
