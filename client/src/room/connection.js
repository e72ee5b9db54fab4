// One room's live connection: the Socket.IO `/collab` namespace, the room's Yjs document (the
// shared `Y.Text` named `content`) and the awareness of everyone's cursors, wired as the wire
// contract says:
// - `collab:state` / `collab:update` carry binary Yjs v1 updates; only our own edits go out.
// - `collab:awareness` carries y-protocols awareness updates; we send only our own state.
// - `collab:connected` follows the state: from then on the room is live and the editor writable.

import { io } from "socket.io-client";
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { messageOf } from "../api.js";

/** The origin of everything applied from the room, so it is never sent back. */
const REMOTE = "remote";
// An update with nothing in it: no structs, empty delete set.
const EMPTY_UPDATE_BYTES = 2;

function bytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error("expected a binary payload");
}

/**
 * `handlers`: status(state), language(name), chatHistory(list), chat(message), history(list),
 * historyNew(record), removed({userId, lines, restoreTo}), completed(userId), left(userId),
 * ended(reason), refused(message) (an edit of ours the room did not take), error(message, fatal).
 * `status` is one of connecting, live, reconnecting, closed.
 */
export function connectRoom({ roomId, token, user, handlers }) {
  const doc = new Y.Doc();
  const text = doc.getText("content");
  const awareness = new Awareness(doc);
  awareness.setLocalStateField("user", user);

  const socket = io("/collab", {
    auth: { token, sessionId: roomId },
    transports: ["websocket"],
  });
  let live = false;
  let firstStateAfterConnect = false;

  const sendOwnAwareness = () => {
    if (live) socket.emit("collab:awareness", encodeAwarenessUpdate(awareness, [doc.clientID]));
  };

  doc.on("update", (update, origin) => {
    if (origin !== REMOTE && live) socket.emit("collab:update", update);
  });
  awareness.on("update", ({ added }, origin) => {
    if (origin === "local") sendOwnAwareness();
    // Someone new is here: they have not seen our cursor yet.
    else if (origin === REMOTE && added.length > 0) sendOwnAwareness();
  });

  socket.on("connect", () => {
    firstStateAfterConnect = true;
    handlers.status("connecting");
  });
  socket.on("collab:state", (data) => {
    const state = bytes(data);
    Y.applyUpdate(doc, state, REMOTE);
    if (firstStateAfterConnect) {
      firstStateAfterConnect = false;
      // Anything of ours the room has not got (typed just before a connection dropped).
      const missing = Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(state));
      if (missing.length > EMPTY_UPDATE_BYTES) socket.emit("collab:update", missing);
    }
  });
  socket.on("collab:update", (data) => Y.applyUpdate(doc, bytes(data), REMOTE));
  socket.on("collab:awareness", (data) => applyAwarenessUpdate(awareness, bytes(data), REMOTE));
  socket.on("collab:language", (payload) => handlers.language(payload?.language));
  socket.on("collab:connected", () => {
    live = true;
    handlers.status("live");
    // A newer clock, not just our state again: if we were connected before, the others saw our
    // state removed at our last clock and ignore anything not newer (y-protocols' rule).
    awareness.setLocalState(awareness.getLocalState()); // sends it (origin "local")
    socket.emit("collab:history:get", { limit: 50 });
  });
  socket.on("collab:chat:history", (list) => handlers.chatHistory(Array.isArray(list) ? list : []));
  socket.on("collab:chat", (message) => handlers.chat(message));
  socket.on("collab:history", (list) => handlers.history(Array.isArray(list) ? list : []));
  socket.on("collab:history:new", (record) => handlers.historyNew(record));
  socket.on("collab:completed", (payload) => handlers.completed(payload?.userId));
  socket.on("collab:removed", (payload) => {
    if (payload && Number.isInteger(payload.lines) && Number.isInteger(payload.restoreTo)) handlers.removed(payload);
  });
  socket.on("collab:left", (payload) => handlers.left(payload?.userId));
  socket.on("code:run:started", (payload) => handlers.runStarted(payload));
  socket.on("code:run:case", (payload) => handlers.runCase(payload));
  socket.on("code:run:finished", (payload) => handlers.runFinished(payload));
  socket.on("collab:ended", (payload) => handlers.ended(payload?.reason ?? "ended"));
  socket.on("collab:error", (payload) => {
    // A refused edit stays in our document but not in the room's: start again from the room.
    if (payload?.code === "update-refused") handlers.refused(messageOf(payload));
    else handlers.error(messageOf(payload), !live);
  });
  socket.on("connect_error", (error) => {
    live = false;
    handlers.status(socket.active ? "reconnecting" : "closed");
    if (!socket.active) handlers.error(error.message, true);
  });
  socket.on("disconnect", () => {
    live = false;
    // Others' cursors are kept: a partner who did not notice our absence will not send theirs
    // again, and one who left is dropped by the awareness itself once it stops renewing (30 s).
    // socket.active: socket.io is reconnecting by itself (a dropped network, a server restart).
    handlers.status(socket.active ? "reconnecting" : "closed");
  });

  return {
    doc,
    text,
    awareness,
    get live() {
      return live;
    },
    setLanguage: (language) => socket.emit("collab:language:set", { language }),
    sendChat: (message) => socket.emit("collab:chat:send", { text: message }),
    revert: (timestamp) => socket.emit("collab:revert", { timestamp }),
    complete: () => socket.emit("collab:complete"),
    runCode: (mode, language) => socket.emit("code:run", { mode, language }),
    leave: () => socket.emit("collab:leave"),
    close() {
      socket.disconnect();
      awareness.destroy();
      doc.destroy();
    },
  };
}
