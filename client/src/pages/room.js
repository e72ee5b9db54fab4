// #/room/<id>: the question, the shared editor with the partner's cursor, the language, the
// connection's state, chat, edit history with restore, "mark completed" and "leave".

import { api } from "../api.js";
import { colorOf } from "../colors.js";
import { fill, h, notice } from "../dom.js";
import { matchOf } from "../matches.js";
import { nameOf, nameTag, setName } from "../names.js";
import { questionBody, questionHeader } from "../question-view.js";
import { createChat } from "../room/chat.js";
import { connectRoom } from "../room/connection.js";
import { createEditor, LANGUAGES } from "../room/editor.js";
import { createHistory } from "../room/history.js";
import { createRuns } from "../room/runs.js";
import { navigate } from "../router.js";
import * as session from "../session.js";

const STATUS = {
  connecting: ["Connecting…", "pending"],
  live: ["Connected", "ok"],
  reconnecting: ["Reconnecting… (read-only)", "warning"],
  closed: ["Disconnected (read-only)", "error"],
};
const TRANSIENT_ERROR_MS = 6000;
// Why the room was reopened after an edit of ours was refused (shown once it is open again).
const REFUSED_NOTICE = "peerprep.refusedEdit";

async function loadRoom(roomId) {
  try {
    return await api(`/sessions/${encodeURIComponent(roomId)}`);
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

async function loadQuestion(snapshot) {
  try {
    return await api(`/questions/${snapshot.id}`);
  } catch {
    return { description: "", ...snapshot }; // The bank lost it; the room kept its summary.
  }
}

function goneCard(title, text) {
  return h(
    "div",
    { class: "card" },
    h("h1", {}, title),
    h("p", {}, text),
    h("p", { class: "actions" }, h("a", { class: "button primary", href: "#/history" }, "Your history"), h("a", { class: "button", href: "#/match" }, "Find a partner")),
  );
}

export async function roomPage(root, ctx) {
  const roomId = ctx.params.id;
  const me = session.user();
  fill(root, h("p", { class: "muted" }, "Opening the room…"));
  const room = await loadRoom(roomId);
  if (!ctx.active) return;
  if (room === null) {
    fill(root, goneCard("No such room", "This room does not exist, or you are not one of its members."));
    return;
  }
  const mine = room.members.find((member) => member.userId === me.user_id);
  if (!room.active || mine?.leftAt) {
    fill(root, goneCard(room.active ? "You left this room" : "This session has ended", "Your attempt is in your history."));
    return;
  }
  const partnerId = room.members.find((member) => member.userId !== me.user_id)?.userId ?? null;
  const match = matchOf(roomId);
  if (match?.partner) setName(match.partner.id, match.partner.username);
  setName(me.user_id, me.username);
  const question = await loadQuestion(room.question);
  if (!ctx.active) return;

  // The layout -------------------------------------------------------------------------------
  const status = h("span", { class: "status pending", id: "connection-status", role: "status" }, "Connecting…");
  const alerts = h("div", { class: "room-alerts" });
  const partnerState = h("span", { class: "presence muted" }, "not here yet");
  const partnerDone = h("span", { class: "done-mark" });
  const completeButton = h("button", { type: "button", class: "primary", disabled: true }, "Mark completed");
  const leaveButton = h("button", { type: "button", class: "danger" }, "Leave");
  const leaveConfirm = h("span", { class: "confirm", hidden: true });
  const languagePicker = h(
    "select",
    { "aria-label": "Language", disabled: true },
    Object.entries(LANGUAGES).map(([value, entry]) => h("option", { value }, entry.label)),
  );
  const editorHost = h("div", { class: "editor", id: "editor" });
  const partnerName = partnerId ? nameTag(partnerId) : "—";

  const chat = createChat({ me: me.user_id, send: (text) => connection.sendChat(text) });
  const history = createHistory({ me: me.user_id, revert: (timestamp) => connection.revert(timestamp) });
  const runs = createRuns({ run: (mode) => connection.runCode(mode, languagePicker.value) });

  fill(
    root,
    h(
      "div",
      { class: "room" },
      h(
        "div",
        { class: "room-bar card" },
        h("div", { class: "room-title" }, questionHeader(question)),
        h("div", { class: "room-people" }, "Partner: ", h("strong", { style: { color: colorOf(partnerId).color } }, partnerName), " ", partnerState, " ", partnerDone),
        h("div", { class: "room-actions" }, status, completeButton, leaveButton, leaveConfirm),
      ),
      alerts,
      h(
        "div",
        { class: "room-grid" },
        h("aside", { class: "panel question-pane" }, questionBody(question)),
        h("section", { class: "editor-pane" }, h("div", { class: "editor-toolbar" }, h("label", {}, "Language ", languagePicker)), editorHost, runs.element),
        h("aside", { class: "side" }, chat.element, history.element),
      ),
    ),
  );

  // The connection ----------------------------------------------------------------------------
  let leaving = false;
  let ended = false;
  const showAlert = (kind, text, transient = false) => {
    const element = notice(kind, text);
    alerts.append(element);
    if (transient) setTimeout(() => element.remove(), TRANSIENT_ERROR_MS);
  };
  const markCompleted = (userId) => {
    if (userId === me.user_id) {
      completeButton.textContent = "Completed ✓";
      completeButton.disabled = true;
      completeButton.dataset.done = "true";
    } else if (userId === partnerId) {
      partnerDone.textContent = "✓ completed";
    }
  };
  const setLive = (live) => {
    editor.setWritable(live && !ended);
    languagePicker.disabled = !live || ended;
    chat.setEnabled(live && !ended);
    history.setEnabled(live && !ended);
    runs.setEnabled(live && !ended);
    completeButton.disabled = !live || ended || completeButton.dataset.done === "true";
    // Leaving is a message to the room: only while connected.
    leaveButton.disabled = !live || ended;
  };
  const toHistory = () => navigate(`/history?session=${encodeURIComponent(roomId)}`);

  const { color, colorLight } = colorOf(me.user_id);
  const connection = connectRoom({
    roomId,
    token: session.token(),
    user: { name: me.username, color, colorLight },
    handlers: {
      status(state) {
        const [label, kind] = STATUS[state];
        status.textContent = ended ? "Session ended" : label;
        status.className = `status ${ended ? "ended" : kind}`;
        setLive(state === "live");
        if (state === "closed" && leaving) toHistory();
      },
      language(name) {
        if (!LANGUAGES[name]) return;
        languagePicker.value = name;
        editor.setLanguage(name);
      },
      chatHistory: (messages) => chat.replace(messages),
      runStarted: (payload) => runs.started(payload),
      runCase: (payload) => runs.caseJudged(payload),
      runFinished: (payload) => runs.finished(payload),
      chat: (message) => chat.add(message),
      history: (records) => history.replace(records),
      historyNew: (record) => history.add(record),
      removed({ userId, lines, restoreTo }) {
        // A large removal (a paste over, a select-all delete, a restore) can be taken back by
        // either member: the restore is itself an edit in the history.
        const who = userId === me.user_id ? Promise.resolve("You") : nameOf(userId);
        who.then((name) =>
          chat.note(`${name} removed ${lines} lines.`, {
            label: "Restore them",
            run: () => connection.revert(restoreTo),
          }),
        );
      },
      completed(userId) {
        markCompleted(userId);
        if (userId !== me.user_id) nameOf(userId).then((name) => chat.note(`${name} marked the question completed.`));
      },
      left(userId) {
        if (userId === me.user_id) {
          toHistory();
          return;
        }
        partnerState.textContent = "left the room";
        nameOf(userId).then((name) => chat.note(`${name} left the room. Your attempt is recorded when you leave too.`));
      },
      ended(reason) {
        ended = true;
        setLive(false);
        status.textContent = "Session ended";
        status.className = "status ended";
        leaveButton.disabled = true;
        showAlert("info", `This session has ended (${reason}). Your attempt is in your history.`);
      },
      refused(message) {
        // Our document holds an edit the room does not: reopen the room from its saved state,
        // and say why once it is open again.
        sessionStorage.setItem(REFUSED_NOTICE, message);
        location.reload();
      },
      error(message, fatal) {
        if (fatal) {
          ended = true;
          setLive(false);
          showAlert("error", message);
        } else {
          showAlert("error", message, true);
        }
      },
    },
  });
  const editor = createEditor(editorHost, { text: connection.text, awareness: connection.awareness });
  const refusedBefore = sessionStorage.getItem(REFUSED_NOTICE);
  if (refusedBefore) {
    sessionStorage.removeItem(REFUSED_NOTICE);
    showAlert("error", `Your last change was not saved: ${refusedBefore}. The room shows what was saved.`);
  }
  ctx.onLeave(() => {
    connection.close();
    editor.destroy();
  });

  for (const member of room.members) if (member.completedAt) markCompleted(member.userId);
  const updatePresence = () => {
    if (partnerState.textContent === "left the room") return;
    const others = [...connection.awareness.getStates().keys()].filter((client) => client !== connection.doc.clientID);
    partnerState.textContent = others.length > 0 ? "online" : "not connected";
    partnerState.className = others.length > 0 ? "presence online" : "presence muted";
  };
  connection.awareness.on("change", updatePresence);

  languagePicker.addEventListener("change", () => {
    editor.setLanguage(languagePicker.value);
    connection.setLanguage(languagePicker.value);
  });
  completeButton.addEventListener("click", () => {
    completeButton.disabled = true;
    connection.complete();
  });
  leaveButton.addEventListener("click", () => {
    leaveButton.hidden = true;
    leaveConfirm.hidden = false;
    fill(
      leaveConfirm,
      "Leave for good? ",
      h(
        "button",
        {
          type: "button",
          class: "danger",
          onclick: () => {
            leaving = true;
            connection.leave();
          },
        },
        "Yes, leave",
      ),
      h(
        "button",
        {
          type: "button",
          onclick: () => {
            leaveConfirm.hidden = true;
            leaveButton.hidden = false;
          },
        },
        "Stay",
      ),
    );
  });
}
