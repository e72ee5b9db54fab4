// Run (the public examples) and Submit (every case): the buttons, and the results both members
// see as they come — the run beginning, each case, the verdict, the compiler's message.

import { fill, h } from "../dom.js";
import { nameOf } from "../names.js";

const GOOD = "Accepted";

function json(value) {
  return JSON.stringify(value);
}

function caseLine(result) {
  const ok = result.verdict === GOOD;
  const head = h(
    "div",
    { class: "case-head" },
    h("span", { class: ok ? "verdict ok" : "verdict bad" }, result.verdict),
    ` case ${result.index + 1}${result.public ? "" : " (hidden)"}`,
    result.ms == null ? "" : ` · ${result.ms.toFixed(1)} ms`,
  );
  if (!result.public) return h("li", { class: "run-case hidden-case", dataset: { index: result.index } }, head);
  const rows = [
    ["Input", Object.entries(result.input ?? {}).map(([name, value]) => `${name} = ${json(value)}`).join(", ")],
    ["Expected", json(result.expected)],
  ];
  if (result.output !== null && result.output !== undefined) rows.push(["Output", json(result.output)]);
  if (result.error) rows.push(["Error", result.line ? `line ${result.line}: ${result.error}` : result.error]);
  if (result.stdout) rows.push(["Printed", result.stdout]);
  return h(
    "li",
    { class: "run-case", dataset: { index: result.index } },
    head,
    h("dl", {}, rows.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, h("pre", {}, value))])),
  );
}

export function createRuns({ run }) {
  const runButton = h("button", { type: "button", disabled: true }, "Run");
  const submitButton = h("button", { type: "button", class: "primary", disabled: true }, "Submit");
  const summary = h("p", { class: "run-summary muted", role: "status" }, "Run your code on the examples, or submit it on every test.");
  const compileOutput = h("pre", { class: "compile-output", hidden: true });
  const cases = h("ol", { class: "run-cases", "aria-label": "Test results" });
  const element = h(
    "section",
    { class: "panel runs" },
    h("div", { class: "run-bar" }, h("h2", {}, "Tests"), runButton, submitButton),
    summary,
    compileOutput,
    cases,
  );
  let enabled = false;
  let running = null;

  const refresh = () => {
    runButton.disabled = submitButton.disabled = !enabled || running !== null;
  };
  runButton.addEventListener("click", () => run("run"));
  submitButton.addEventListener("click", () => run("submit"));

  return {
    element,
    setEnabled(value) {
      enabled = value;
      refresh();
    },
    started(payload) {
      running = payload.runId;
      refresh();
      fill(cases);
      compileOutput.hidden = true;
      const what = payload.mode === "submit" ? "Submitting" : "Running the examples";
      summary.className = "run-summary pending";
      summary.textContent = `${what} (${payload.language})…`;
      nameOf(payload.requestedBy).then((name) => {
        if (running === payload.runId) summary.textContent = `${what} (${payload.language}) for ${name}…`;
      });
    },
    caseJudged(result) {
      if (running !== null && result.runId !== running) return;
      if (cases.querySelector(`[data-index="${result.index}"]`)) return;
      cases.append(caseLine(result));
    },
    finished(result) {
      running = null;
      refresh();
      const ok = result.verdict === GOOD;
      summary.className = `run-summary ${ok ? "ok" : "bad"}`;
      const count = result.total ? ` — ${result.passed}/${result.total} passed` : "";
      const time = result.cpuMs ? ` · ${Math.round(result.cpuMs)} ms CPU` : "";
      summary.textContent = `${result.verdict}${count}${time}`;
      if (!ok && result.error && !result.compileOutput && result.total === 0) summary.textContent += `: ${result.error}`;
      compileOutput.hidden = !result.compileOutput;
      compileOutput.textContent = result.compileOutput ?? "";
      fill(cases, (result.cases ?? []).filter((item) => item.verdict !== "Not Run").map(caseLine));
    },
  };
}
