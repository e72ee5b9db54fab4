// The collaboration benchmark's typists: both members of every room as real `yjs` +
// `socket.io-client` peers (what the frontend runs), driven by bench/collab.py.
//
// stdin, one JSON line: {baseUrl, rate, seconds, rooms: [{roomId, tokens: [a, b]}]}.
// stdout: "ready" once every member has its room's state; then, after "go" on stdin, it types
// and prints one JSON line: {latencies: [ms...], sent, converged}.
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import * as Y from "yjs";

const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once("line", resolve));
const config = JSON.parse(await nextLine());
const keyOf = (bytes) => Buffer.from(bytes).toString("base64");

function member(roomId, token) {
  const doc = new Y.Doc();
  const text = doc.getText("content");
  const socket = io(`${config.baseUrl}/collab`, {
    auth: { token, sessionId: roomId },
    transports: ["websocket"],
    reconnection: false,
  });
  const self = { doc, text, socket, sent: new Map(), latencies: [], partner: null, typed: 0 };
  self.ready = new Promise((resolve, reject) => {
    socket.on("collab:state", (state) => {
      Y.applyUpdate(doc, new Uint8Array(state), "remote");
      resolve();
    });
    socket.on("collab:error", (error) => reject(new Error(JSON.stringify(error))));
    socket.on("connect_error", reject);
  });
  socket.on("collab:update", (update) => {
    const received = performance.now();
    const bytes = new Uint8Array(update);
    Y.applyUpdate(doc, bytes, "remote");
    const key = keyOf(bytes);
    const sent = self.partner.sent.get(key);
    if (sent !== undefined) {
      self.partner.sent.delete(key);
      self.latencies.push(received - sent);
    }
  });
  doc.on("update", (update, origin) => {
    if (origin === "remote") return;
    self.sent.set(keyOf(update), performance.now());
    socket.emit("collab:update", update);
  });
  return self;
}

const rooms = config.rooms.map(({ roomId, tokens }) => {
  const [first, second] = tokens.map((token) => member(roomId, token));
  first.partner = second;
  second.partner = first;
  return [first, second];
});
const everyone = rooms.flat();
await Promise.all(everyone.map((one) => one.ready));
console.log("ready");
await nextLine();

// Students do not type in step: a random phase, and each pause varies around the mean.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = performance.now() + config.seconds * 1000;
await Promise.all(
  everyone.map(async (one) => {
    await sleep(Math.random() * (1000 / config.rate));
    while (performance.now() < deadline) {
      const at = Math.floor(Math.random() * (one.text.length + 1));
      one.text.insert(at, "abcdefgh \n"[Math.floor(Math.random() * 10)]);
      one.typed += 1;
      await sleep(((0.5 + Math.random()) * 1000) / config.rate);
    }
  }),
);
await sleep(1000);
const converged = rooms.filter(([a, b]) => a.text.toString() === b.text.toString()).length;
console.log(
  JSON.stringify({
    latencies: everyone.flatMap((one) => one.latencies),
    sent: everyone.reduce((total, one) => total + one.typed, 0),
    converged,
  }),
);
everyone.forEach((one) => one.socket.close());
lines.close();
