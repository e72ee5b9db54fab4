// One question as shown on its page and in a room: statement, examples and constraints.

import { difficultyBadge, h, topicTags } from "./dom.js";
import { markdown } from "./markdown.js";

export function questionHeader(question) {
  return h(
    "div",
    { class: "question-header" },
    h("h1", {}, question.title),
    h("div", { class: "meta" }, difficultyBadge(question.difficulty), topicTags(question.topics ?? question.related_topics)),
  );
}

export function questionBody(question) {
  const examples = question.examples ?? [];
  const constraints = question.constraints ?? [];
  return h(
    "div",
    { class: "question-body" },
    markdown(question.description),
    examples.length > 0 &&
      h(
        "section",
        {},
        h("h2", {}, "Examples"),
        examples.map((example, index) =>
          h(
            "div",
            { class: "example" },
            h("h3", {}, `Example ${index + 1}`),
            h("pre", {}, `Input: ${example.input}\nOutput: ${example.output}`),
            example.explanation && h("p", {}, example.explanation),
          ),
        ),
      ),
    constraints.length > 0 && h("section", {}, h("h2", {}, "Constraints"), h("ul", {}, constraints.map((item) => h("li", {}, h("code", {}, item))))),
  );
}
