// #/questions/<id>: one question, its statement rendered from Markdown.

import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { questionBody, questionHeader } from "../question-view.js";
import * as session from "../session.js";

export async function questionPage(root, ctx) {
  fill(root, h("p", { class: "muted" }, "Loading the question…"));
  const question = await api(`/questions/${encodeURIComponent(ctx.params.id)}`);
  const topic = (question.topics ?? [])[0];
  const practise = `#/match?difficulty=${encodeURIComponent(question.difficulty.toLowerCase())}${topic ? `&topic=${encodeURIComponent(topic)}` : ""}`;
  fill(
    root,
    h("p", {}, h("a", { href: "#/questions" }, "← All questions")),
    h(
      "article",
      { class: "card question" },
      questionHeader(question),
      h("p", { class: "muted" }, `Acceptance ${question.acceptance_rate}% · ${question.points} point${question.points === 1 ? "" : "s"} when completed in a session`),
      questionBody(question),
      session.current() && h("p", {}, h("a", { class: "button primary", href: practise }, "Practise a question like this with a partner")),
    ),
  );
}
