// The question bank's topics (GET /topics), fetched once per page load.

import { api } from "./api.js";

let pending = null;

/** `[{topic, total, by_difficulty: {easy: n, ...}}]`, sorted by name. */
export function loadTopics() {
  pending ??= api("/topics")
    .then((topics) => topics.sort((a, b) => a.topic.localeCompare(b.topic)))
    .catch((error) => {
      pending = null;
      throw error;
    });
  return pending;
}

/** How many questions of `difficulty` (any case) a topic has. */
export function countAt(summary, difficulty) {
  const wanted = difficulty.toLowerCase();
  return Object.entries(summary.by_difficulty ?? {}).reduce(
    (sum, [level, count]) => (level.toLowerCase() === wanted ? sum + count : sum),
    0,
  );
}
