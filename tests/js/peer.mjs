// One collaborator on /collab, driven by the real JavaScript `yjs` and `socket.io-client`.
//
//   PEER_TOKEN=... node peer.mjs --url http://127.0.0.1:8000 --session ROOM \
//     --text 'js {i}\n' --count 10 --expect-length 120 --deadline 20
//
// Every option may also come from the environment (PEER_URL, PEER_TOKEN, PEER_SESSION, PEER_TEXT,
// PEER_COUNT, PEER_EXPECT_LENGTH, PEER_DEADLINE, PEER_MAX_DELAY_MS); the token is best passed that
// way so it does not show in the process list.
//
// The peer keeps its own Y.Doc in step with the room (`collab:state`, then every `collab:update`),
// sends only its own edits, and inserts `--text` `--count` times (each `{i}` replaced by the insert's
// number) at random line starts with small random delays: fragments that end with a newline
// therefore stay whole whatever the other peers do. It then waits until the shared `content`
// text has `--expect-length` characters (UTF-16 code units, as Yjs counts) or the deadline passes,
// prints one JSON line `{"text": ..., "errors": [...]}` and exits 0 — or 1 on a timeout or any
// error, with the reason on stderr.

import { parseArgs } from "node:util";
import { io } from "socket.io-client";
import * as Y from "yjs";

const REMOTE = Symbol("remote");

function options() {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: process.env.PEER_URL },
      token: { type: "string", default: process.env.PEER_TOKEN },
      session: { type: "string", default: process.env.PEER_SESSION },
      text: { type: "string", default: process.env.PEER_TEXT ?? "" },
      count: { type: "string", default: process.env.PEER_COUNT ?? "5" },
      "expect-length": { type: "string", default: process.env.PEER_EXPECT_LENGTH },
      deadline: { type: "string", default: process.env.PEER_DEADLINE ?? "20" },
      "max-delay-ms": { type: "string", default: process.env.PEER_MAX_DELAY_MS ?? "15" },
    },
    strict: true,
  });
  const missing = ["url", "token", "session", "expect-length"].filter((name) => !values[name]);
  if (missing.length > 0) {
    throw new Error(`missing option(s): ${missing.map((name) => `--${name}`).join(", ")}`);
  }
  const count = Number.parseInt(values.count, 10);
  const expectLength = Number.parseInt(values["expect-length"], 10);
  const deadline = Number.parseFloat(values.deadline);
  const maxDelayMs = Number.parseInt(values["max-delay-ms"], 10);
  for (const [name, value] of Object.entries({ count, expectLength, deadline, maxDelayMs })) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0`);
  }
  if (count > 0 && !values.text) throw new Error("--text is required when --count > 0");
  return { ...values, count, expectLength, deadline, maxDelayMs };
}

function asBytes(data) {
  // Node receives Socket.IO binary attachments as Buffers; a browser would give ArrayBuffers.
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`expected a binary payload, got ${typeof data}`);
}

function lineStarts(text) {
  const starts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "\n") starts.push(index + 1);
  }
  return starts;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const config = options();
  const endAt = Date.now() + config.deadline * 1000;
  const errors = [];
  const doc = new Y.Doc();
  const content = doc.getText("content");

  const socket = io(`${config.url.replace(/\/$/, "")}/collab`, {
    auth: { token: config.token, sessionId: config.session },
    transports: ["websocket"],
    reconnection: false,
  });

  // Only local edits go out: updates applied from the room carry the REMOTE origin.
  doc.on("update", (update, origin) => {
    if (origin !== REMOTE) socket.emit("collab:update", update);
  });
  const applyRemote = (event) => (data) => {
    try {
      Y.applyUpdate(doc, asBytes(data), REMOTE);
    } catch (error) {
      errors.push(`${event}: ${error.message}`);
    }
  };
  socket.on("collab:state", applyRemote("collab:state"));
  socket.on("collab:update", applyRemote("collab:update"));
  socket.on("collab:error", (payload) => errors.push(`collab:error: ${JSON.stringify(payload)}`));
  socket.on("connect_error", (error) => errors.push(`connect_error: ${error.message}`));

  let connected = false;
  let gone = false;
  socket.on("collab:connected", () => {
    connected = true;
  });
  socket.on("disconnect", (reason) => {
    gone = true;
    if (reason !== "io client disconnect") errors.push(`disconnected: ${reason}`);
  });

  const until = async (condition) => {
    while (!condition()) {
      if (errors.length > 0 || gone) return false;
      if (Date.now() > endAt) return false;
      await pause(5);
    }
    return true;
  };

  let failure = null;
  // collab:connected follows collab:state, so the document is the room's before we type.
  if (!(await until(() => connected))) {
    failure = "never got collab:connected";
  } else {
    for (let round = 0; round < config.count && errors.length === 0 && !gone; round += 1) {
      const starts = lineStarts(content.toString());
      const at = starts[Math.floor(Math.random() * starts.length)];
      content.insert(at, config.text.replaceAll("{i}", String(round)));
      await pause(Math.floor(Math.random() * (config.maxDelayMs + 1)));
    }
    if (!(await until(() => content.length >= config.expectLength))) {
      failure = `text has ${content.length} of ${config.expectLength} characters`;
    }
  }
  socket.disconnect();

  const text = content.toString();
  if (failure === null && errors.length > 0) failure = "errors were reported";
  if (failure === null && content.length !== config.expectLength) {
    failure = `text has ${content.length} characters, expected ${config.expectLength}`;
  }
  const line = `${JSON.stringify({ text, errors })}\n`;
  await new Promise((resolve) => process.stdout.write(line, resolve));
  if (failure !== null) {
    process.stderr.write(`peer.mjs: ${failure}; errors: ${JSON.stringify(errors)}\n`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`peer.mjs: ${error.stack ?? error}\n`);
  process.exit(2);
});
