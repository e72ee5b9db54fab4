"use strict";
/*
 * The trusted JavaScript driver: calls the student's function on each case, inside the sandbox.
 *
 * It speaks the protocol of python_driver.py. It reads the signature and the cases' inputs
 * (never the expected outputs) as one JSON document on stdin, loads solution.js, and reports on
 * the file descriptor given as --reports=N, one JSON object per line: "ready" (or "load_error"),
 * then "start" and "done" (or "error") per case; the first error ends the run. The student's
 * prints go to stdout; each case's report gives the stdout offsets it wrote between.
 *
 * The student's code runs in a worker thread, for two things the main thread cannot give: a
 * stack of its own size (deep recursion is the student's right) and a heap whose exhaustion
 * ends the worker, not the process, so that the case it happened in can be reported as a memory
 * limit. The worker loads solution.js with the vm module under its own name, so stack traces
 * and syntax errors give the student's own line numbers. It writes everything (prints and
 * reports) synchronously, straight to the descriptors; the main thread writes a report only
 * when the worker died without one (out of memory, process.exit()).
 */

const fs = require("fs");
const vm = require("vm");
const util = require("util");
const { Writable } = require("stream");
const { Console } = require("console");
const { performance } = require("perf_hooks");
const { Worker, isMainThread, workerData } = require("worker_threads");

const SOLUTION = "solution.js";
const MAX_NODES = 1000000;
const ERROR_CHARS = 2000;
// Where the worker is, for the main thread (a SharedArrayBuffer of Int32: no messages needed).
const PHASE = 0; // LOADING, BETWEEN (case = the next one), RUNNING (case = this one), FINISHED
const CASE = 1;
const BEFORE = 2; // stdout bytes written when the case started
const WRITTEN = 3; // stdout bytes written so far
const LOADING = 0;
const BETWEEN = 1;
const RUNNING = 2;
const FINISHED = 3;
const HEAP_MARKER = "JavaScript heap out of memory";

class ListNode {
  constructor(val = 0, next = null) {
    this.val = val;
    this.next = next;
  }
}

class TreeNode {
  constructor(val = 0, left = null, right = null) {
    this.val = val;
    this.left = left;
    this.right = right;
  }
}

/** The function returned something that is not of its return type. */
class WrongType extends Error {}

function option(name) {
  const prefix = `--${name}=`;
  const found = process.argv.find((arg) => arg.startsWith(prefix));
  return found === undefined ? undefined : found.slice(prefix.length);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd, data) {
  const buffer = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1); // a non-blocking pipe that is full: wait for the reader
    }
  }
  return buffer.length;
}

function report(fd, fields, output) {
  // "output" is JSON text already (made by toJson, exact for every type).
  let line = JSON.stringify(fields);
  if (output !== undefined) line = `${line.slice(0, -1)},"output":${output}}`;
  writeAll(fd, `${line}\n`);
}

/** The function's name as JavaScript spells it: execution.signature.camel. */
function camel(name) {
  const [first, ...rest] = name.split("_");
  return first + rest.map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join("");
}

// ---------------------------------------------------------------- the main thread

function mainThread() {
  const reportsFd = Number(option("reports"));
  const memoryMb = Number(option("memory-mb")) || 256;
  const heapMb = Number(option("heap-mb")) || Math.floor(memoryMb / 2);
  // The stack is touched memory too: a runaway recursion must end in a RangeError (a runtime
  // error at the student's line), not in the control group's memory limit.
  const stackMb = Math.max(4, Math.floor(memoryMb / 4));
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const state = new Int32Array(new SharedArrayBuffer(4 * 4));
  const worker = new Worker(__filename, {
    workerData: { job, reportsFd, state },
    resourceLimits: { maxOldGenerationSizeMb: heapMb, stackSizeMb: stackMb },
    // The worker's own stdout and stderr streams are left unread: it writes to the descriptors
    // itself, and piping them here would make descriptor 1 non-blocking.
    stdin: false,
    stdout: true,
    stderr: true,
  });
  let failure = null;
  worker.on("error", (error) => {
    failure = error;
  });
  worker.on("exit", (code) => {
    const phase = Atomics.load(state, PHASE);
    if (phase !== FINISHED) {
      died(reportsFd, state, phase, code, failure);
    }
    process.exit(0);
  });
}

/** The worker ended without its last report: say why, for the case it was in. */
function died(reportsFd, state, phase, code, failure) {
  const memory = failure !== null && failure.code === "ERR_WORKER_OUT_OF_MEMORY";
  if (phase === LOADING) {
    if (memory) {
      // No load report carries a limit: the marker on stderr makes it one (memory_markers).
      writeAll(2, `${HEAP_MARKER} while loading ${SOLUTION}\n`);
      return;
    }
    const error = failure !== null ? describe(failure) : `process.exit(${code}) was called`;
    report(reportsFd, { event: "load_error", kind: "runtime", error, line: studentLine(failure) });
    return;
  }
  const index = Atomics.load(state, CASE);
  const written = Atomics.load(state, WRITTEN);
  const before = phase === RUNNING ? Atomics.load(state, BEFORE) : written;
  const fields = { event: "error", case: index };
  if (memory) {
    fields.limit = "memory";
    fields.error = HEAP_MARKER;
  } else {
    fields.error = failure !== null ? describe(failure) : `process.exit(${code}) was called`;
    fields.line = studentLine(failure);
  }
  fields.out = [before, written];
  report(reportsFd, fields);
}

// ---------------------------------------------------------------- values in and out

function toValue(kind, value) {
  if (kind === "ListNode") {
    let head = null;
    for (let index = value.length - 1; index >= 0; index--) head = new ListNode(value[index], head);
    return head;
  }
  if (kind === "TreeNode") return buildTree(value);
  if (kind.startsWith("list<")) {
    const inner = kind.slice(5, -1);
    return value.map((item) => toValue(inner, item));
  }
  return value; // int, long and double are numbers, bool and string as they are
}

function buildTree(values) {
  if (values.length === 0) return null;
  const root = new TreeNode(values[0]);
  const waiting = [root];
  let head = 0;
  let index = 1;
  while (head < waiting.length && index < values.length) {
    const node = waiting[head++];
    for (const side of ["left", "right"]) {
      if (index < values.length && values[index] !== null) {
        const child = new TreeNode(values[index]);
        node[side] = child;
        waiting.push(child);
      }
      index++;
    }
  }
  return root;
}

function typeName(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") {
    try {
      const name = Object.getPrototypeOf(value)?.constructor?.name;
      return typeof name === "string" && name !== "" ? name : "object";
    } catch {
      return "object";
    }
  }
  return typeof value;
}

function wrong(kind, value, where) {
  let what;
  if (typeof value === "number") what = `${value}`;
  else if (typeof value === "string") what = "string";
  else what = typeName(value);
  let text = `returned ${what}${where ? ` at ${where}` : ""}, expected ${kind}`;
  if (value instanceof Promise) text += " (an async function returns a Promise: return the value)";
  return new WrongType(text);
}

function integerJson(kind, value, where) {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrong(kind, value, where);
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
}

function doubleJson(value, where) {
  if (typeof value === "bigint") value = Number(value);
  if (typeof value !== "number" || !Number.isFinite(value)) throw wrong("double", value, where);
  const text = String(value);
  // A double stays a double in JSON: 2 is written 2.0, as Python and Java write it.
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

function isList(value) {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** The returned value as JSON text, exact for every type (doubles, big longs). */
function toJson(kind, value, where = "") {
  switch (kind) {
    case "int":
    case "long":
      return integerJson(kind, value, where);
    case "double":
      return doubleJson(value, where);
    case "bool":
      if (typeof value !== "boolean") throw wrong(kind, value, where);
      return value ? "true" : "false";
    case "string":
      if (typeof value !== "string") throw wrong(kind, value, where);
      return JSON.stringify(value);
    case "ListNode":
      return listJson(value);
    case "TreeNode":
      return treeJson(value);
    default: {
      const inner = kind.slice(5, -1);
      if (!isList(value)) throw wrong(kind, value, where);
      const items = [];
      for (let index = 0; index < value.length; index++) {
        items.push(toJson(inner, value[index], `${where}[${index}]`));
      }
      return `[${items.join(",")}]`;
    }
  }
}

function isNode(value) {
  return typeof value === "object" && value !== null;
}

function listJson(head) {
  const items = [];
  let node = head;
  while (node !== null && node !== undefined) {
    if (!isNode(node) || items.length >= MAX_NODES) {
      throw new WrongType("the returned list is not a chain of ListNode (or never ends)");
    }
    items.push(integerJson("int", node.val, `node ${items.length}`));
    node = node.next;
  }
  return `[${items.join(",")}]`;
}

function treeJson(root) {
  if (root === null || root === undefined) return "[]";
  const out = [];
  const waiting = [root];
  for (let head = 0; head < waiting.length; head++) {
    const node = waiting[head];
    if (node === null || node === undefined) {
      out.push("null");
      continue;
    }
    if (!isNode(node) || out.length >= MAX_NODES) {
      throw new WrongType("the returned tree is not made of TreeNode (or never ends)");
    }
    out.push(integerJson("int", node.val, `node ${out.length}`));
    waiting.push(node.left, node.right);
  }
  while (out.length > 0 && out[out.length - 1] === "null") out.pop();
  return `[${out.join(",")}]`;
}

// ---------------------------------------------------------------- errors

function stackOf(error) {
  try {
    return error !== null && typeof error === "object" && typeof error.stack === "string"
      ? error.stack
      : "";
  } catch {
    return "";
  }
}

/** The line of solution.js nearest the error (the innermost frame of the student's). */
function studentLine(error) {
  const stack = stackOf(error);
  const found = stack.match(/^solution\.js:(\d+)\n/) || stack.match(/\(?solution\.js:(\d+):\d+\)?/);
  return found ? Number(found[1]) : null;
}

function describe(error) {
  let text;
  try {
    if (error instanceof Error || (isNode(error) && "message" in error && "name" in error)) {
      text = `${error.name}: ${error.message}`;
    } else {
      text = `uncaught ${util.inspect(error, { depth: 2, breakLength: Infinity })}`;
    }
  } catch {
    text = "uncaught exception";
  }
  return text.slice(0, ERROR_CHARS);
}

/** A syntax error as node shows it: the file and line, the line itself with a caret. */
function describeSyntax(error) {
  const stack = stackOf(error);
  const at = stack.indexOf(`\n${error.name}: `);
  const where = at >= 0 ? stack.slice(0, at).replace(/\s+$/, "") : `${SOLUTION}:?`;
  let hint = "";
  if (/'export'/.test(error.message)) hint = " (declare the function without export)";
  else if (/import statement/.test(error.message)) hint = " (use require() instead)";
  return `${where}\n\n${describe(error)}${hint}`.slice(0, ERROR_CHARS);
}

// ---------------------------------------------------------------- the worker

/** The student's stdout or stderr: written through at once, counted in bytes. */
class Direct extends Writable {
  constructor(fd, count) {
    super();
    this.fd = fd;
    this.isTTY = false;
    this.count = count;
  }

  write(chunk, encoding, callback) {
    if (typeof encoding === "function") [callback, encoding] = [encoding, undefined];
    let data;
    if (typeof chunk === "string") data = Buffer.from(chunk, Buffer.isEncoding(encoding) ? encoding : "utf8");
    else if (ArrayBuffer.isView(chunk)) data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else data = Buffer.from(String(chunk), "utf8");
    this.count(writeAll(this.fd, data));
    if (typeof callback === "function") process.nextTick(callback);
    return true;
  }
}

function workerThread() {
  const { job, reportsFd, state } = workerData;
  const send = (fields, output) => report(reportsFd, fields, output);
  const now = performance.now.bind(performance);
  let written = 0;
  const stdout = new Direct(1, (bytes) => {
    written += bytes;
    Atomics.store(state, WRITTEN, written);
  });
  const stderr = new Direct(2, () => {});
  for (const [name, stream] of [["stdout", stdout], ["stderr", stderr]]) {
    Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
  }
  const exit = process.exit.bind(process);
  const finish = () => {
    Atomics.store(state, PHASE, FINISHED);
    exit(0); // pending timers of the student's are not waited for
  };

  // What the student's file sees, besides the language's own: ListNode, TreeNode, a console
  // that prints to stdout, and require/module/exports as a CommonJS file has them.
  const module = { exports: {} };
  Object.assign(globalThis, {
    ListNode,
    TreeNode,
    require,
    module,
    exports: module.exports,
    __filename: `/box/${SOLUTION}`,
    __dirname: "/box",
  });
  Object.defineProperty(globalThis, "console", {
    configurable: true,
    writable: true,
    enumerable: false,
    value: new Console({ stdout, stderr }),
  });
  Error.stackTraceLimit = 50;

  const name = camel(job.function);
  let script;
  try {
    const source = fs.readFileSync(SOLUTION, "utf8");
    script = new vm.Script(source, { filename: SOLUTION });
  } catch (error) {
    const syntax = error instanceof SyntaxError;
    send({
      event: "load_error",
      kind: syntax ? "compile" : "runtime",
      error: syntax ? describeSyntax(error) : describe(error),
      line: studentLine(error),
    });
    return finish();
  }
  let solve;
  try {
    script.runInThisContext();
    // Declared at the top level: a function, or a const/let/var holding one.
    solve = vm.runInThisContext(`typeof ${name} === "undefined" ? undefined : ${name}`);
    if (solve === undefined && isNode(module.exports)) solve = module.exports[name];
    if (solve === undefined) {
      let error = `no function named ${name}`;
      const snake = job.function;
      if (snake !== name && vm.runInThisContext(`typeof ${snake}`) === "function") {
        error += ` (${snake} is there: JavaScript spells it ${name})`;
      }
      send({ event: "load_error", kind: "runtime", error });
      return finish();
    }
    if (typeof solve !== "function") throw new TypeError(`${name} is not a function`);
  } catch (error) {
    send({ event: "load_error", kind: "runtime", error: describe(error), line: studentLine(error) });
    return finish();
  }
  Atomics.store(state, CASE, 0);
  Atomics.store(state, PHASE, BETWEEN);
  send({ event: "ready" });

  const params = job.params;
  for (let index = 0; index < job.cases.length; index++) {
    Atomics.store(state, CASE, index);
    const inputs = job.cases[index];
    const args = params.map((param) => toValue(param.type, inputs[param.name]));
    const before = written;
    Atomics.store(state, BEFORE, before);
    Atomics.store(state, PHASE, RUNNING);
    send({ event: "start", case: index });
    const started = now();
    let result;
    try {
      result = solve(...args);
    } catch (error) {
      const ms = now() - started;
      send({
        event: "error",
        case: index,
        ms,
        error: describe(error),
        line: studentLine(error),
        out: [before, written],
      });
      return finish();
    }
    const ms = now() - started;
    const span = [before, written];
    let output;
    try {
      output = toJson(job.returns, result);
    } catch (error) {
      if (!(error instanceof WrongType || error instanceof RangeError)) throw error;
      send({ event: "done", case: index, ms, invalid: String(error.message).slice(0, 500), out: span });
      Atomics.store(state, PHASE, BETWEEN);
      continue;
    }
    send({ event: "done", case: index, ms, out: span }, output);
    Atomics.store(state, PHASE, BETWEEN);
  }
  return finish();
}

if (isMainThread) {
  mainThread();
} else {
  workerThread();
}
