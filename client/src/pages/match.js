// #/match: choose a difficulty and topics, wait for a partner (elapsed time, place in the queue,
// cancel), then go to the room, or hear that nobody was found in time. Talks to /matching as the
// wire contract says: join-queue, match:cancel; joined-queue, left-queue, matched, match:timeout.

import { io } from "socket.io-client";
import { api, messageOf } from "../api.js";
import { fill, formatElapsed, h, notice, topicTags } from "../dom.js";
import { navigate } from "../router.js";
import * as session from "../session.js";
import { countAt, loadTopics } from "../topics.js";
import { rememberMatch } from "../matches.js";

const LEVELS = ["easy", "medium", "hard"];
const MAX_TOPICS = 10;

export async function matchPage(root, ctx) {
  const me = session.user();
  const wanted = {
    difficulty: LEVELS.includes(ctx.query.get("difficulty")) ? ctx.query.get("difficulty") : "easy",
    topics: new Set(ctx.query.getAll("topic")),
  };
  const view = h("div", { class: "match" });
  const status = h("div", { class: "connection muted" });
  fill(root, h("h1", {}, "Find a partner"), status, view);

  const topics = await loadTopics();
  if (!ctx.active) return;

  const socket = io("/matching", { auth: { token: session.token() }, transports: ["websocket"] });
  let phase = "choosing";
  let waitingSince = null;
  let ticker = null;
  ctx.onLeave(() => {
    clearInterval(ticker);
    // Leaving this page while waiting withdraws the request: nobody would see the match.
    if (phase === "waiting") socket.emit("match:cancel");
    socket.disconnect();
  });

  socket.on("connect", () => fill(status));
  socket.on("connect_error", (error) => fill(status, notice("error", `Cannot reach matching: ${error.message}`)));
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") fill(status, notice("warning", "Connection lost; reconnecting…"));
  });
  socket.on("joined-queue", (reply) => {
    if (reply?.ok) showWaiting(reply);
    else showChoice(messageOf(reply, "could not join the queue"));
  });
  socket.on("left-queue", (reply) => {
    if (reply?.ok) showChoice(null, "You left the queue.");
    else if (phase === "waiting") showWaiting({}, messageOf(reply, "could not cancel"));
  });
  socket.on("match:timeout", (reply) => showTimeout(reply?.waitedSeconds));
  socket.on("match:error", (reply) => fill(status, notice("error", messageOf(reply))));
  socket.on("matched", async (match) => {
    if (phase !== "joining" && phase !== "waiting") {
      // Told on connecting that our last request was matched: offer the room if it is still ours.
      await offerOpenRoom(match);
      return;
    }
    phase = "matched";
    clearInterval(ticker);
    rememberMatch(match);
    fill(
      view,
      h(
        "div",
        { class: "card waiting" },
        h("h2", {}, `Matched with ${match.partner?.username ?? "a partner"}!`),
        match.question && h("p", {}, `Question: ${match.question.title}`),
        h("p", { class: "muted" }, "Opening your room…"),
      ),
    );
    navigate(`/room/${encodeURIComponent(match.roomId)}`);
  });

  async function offerOpenRoom(match) {
    let room;
    try {
      room = await api(`/sessions/${encodeURIComponent(match.roomId)}`);
    } catch {
      return;
    }
    const mine = room.members.find((member) => member.userId === me.user_id);
    if (!ctx.active || !room.active || !mine || mine.leftAt) return;
    rememberMatch(match);
    view.prepend(
      h(
        "div",
        { class: "notice info" },
        `You still have an open room with ${match.partner?.username ?? "your partner"}. `,
        h("a", { href: `#/room/${encodeURIComponent(match.roomId)}` }, "Back to the room"),
      ),
    );
  }

  function join() {
    phase = "joining";
    socket.emit("join-queue", { userId: me.user_id, difficulty: wanted.difficulty, topics: [...wanted.topics] });
    fill(view, h("div", { class: "card waiting" }, h("p", {}, "Joining the queue…")));
  }

  function showChoice(error, info) {
    phase = "choosing";
    clearInterval(ticker);
    waitingSince = null;
    const topicList = h("div", { class: "topic-picker" });
    const submit = h("button", { type: "submit", class: "primary" }, "Find a partner");
    const renderTopics = () => {
      fill(
        topicList,
        topics.map((summary) => {
          const count = countAt(summary, wanted.difficulty);
          const box = h("input", {
            type: "checkbox",
            name: "topic",
            value: summary.topic,
            checked: wanted.topics.has(summary.topic),
            onchange: () => {
              if (box.checked) wanted.topics.add(summary.topic);
              else wanted.topics.delete(summary.topic);
              update();
            },
          });
          return h("label", { class: count === 0 ? "topic empty" : "topic" }, box, ` ${summary.topic} `, h("span", { class: "muted" }, `(${count})`));
        }),
      );
    };
    const update = () => {
      submit.disabled = wanted.topics.size === 0 || wanted.topics.size > MAX_TOPICS;
    };
    const levels = h(
      "div",
      { class: "levels", role: "radiogroup", "aria-label": "Difficulty" },
      LEVELS.map((level) =>
        h(
          "label",
          { class: `level difficulty-${level}` },
          h("input", {
            type: "radio",
            name: "difficulty",
            value: level,
            checked: wanted.difficulty === level,
            onchange: () => {
              wanted.difficulty = level;
              renderTopics();
            },
          }),
          ` ${level[0].toUpperCase()}${level.slice(1)}`,
        ),
      ),
    );
    renderTopics();
    update();
    fill(
      view,
      error && notice("error", error),
      info && notice("info", info),
      h(
        "form",
        {
          class: "card",
          onsubmit: (event) => {
            event.preventDefault();
            join();
          },
        },
        h("h2", {}, "Difficulty"),
        levels,
        h("h2", {}, `Topics `, h("span", { class: "muted" }, `(one or more; numbers are questions at this difficulty)`)),
        topicList,
        h("p", { class: "muted" }, "You are paired with someone who wants the same difficulty and shares a topic; after a while the rules relax a little."),
        submit,
      ),
    );
  }

  function showWaiting(reply, error) {
    const first = phase !== "waiting";
    phase = "waiting";
    if (first) waitingSince = Date.now();
    const elapsed = h("strong", { class: "elapsed" }, formatElapsed((Date.now() - waitingSince) / 1000));
    clearInterval(ticker);
    ticker = setInterval(() => {
      elapsed.textContent = formatElapsed((Date.now() - waitingSince) / 1000);
    }, 1000);
    const difficulty = reply.difficulty ?? wanted.difficulty;
    fill(
      view,
      error && notice("error", error),
      h(
        "div",
        { class: "card waiting", "aria-busy": "true" },
        h("div", { class: "spinner", "aria-hidden": "true" }),
        h("h2", {}, "Looking for a partner…"),
        h("p", {}, "Waiting ", elapsed, reply.position ? [" · position ", h("strong", { class: "position" }, String(reply.position)), " in the queue"] : ""),
        h("p", {}, `${difficulty} · `, topicTags([...wanted.topics])),
        h("button", { type: "button", onclick: () => socket.emit("match:cancel") }, "Cancel"),
      ),
    );
  }

  function showTimeout(waitedSeconds) {
    phase = "timed-out";
    clearInterval(ticker);
    fill(
      view,
      h(
        "div",
        { class: "card waiting" },
        h("h2", {}, "No partner found"),
        h("p", {}, `Nobody matching your choice turned up in ${formatElapsed(waitedSeconds ?? 0)}. Try again, or pick more topics or another difficulty.`),
        h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: join }, "Try again"), h("button", { type: "button", onclick: () => showChoice() }, "Change my choice")),
      ),
    );
  }

  showChoice();
}
