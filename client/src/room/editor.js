// The room's editor: CodeMirror 6 bound to the shared Y.Text by y-codemirror.next, with the
// partner's caret and selection from the awareness, syntax highlighting for the room's language,
// and read-only whenever the room is not live (so no edit is made that the room would not get).

import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { Compartment, EditorState } from "@codemirror/state";
import { basicSetup, EditorView } from "codemirror";
import { yCollab } from "y-codemirror.next";
import * as Y from "yjs";

/** The room's languages (the server accepts exactly these), with their highlighting. */
export const LANGUAGES = {
  python: { label: "Python", support: () => python() },
  javascript: { label: "JavaScript", support: () => javascript() },
  java: { label: "Java", support: () => java() },
  cpp: { label: "C++", support: () => cpp() },
  c: { label: "C", support: () => cpp() },
};

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "14px", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
  "&.cm-focused": { outline: "none" },
});

function writable(yes) {
  return [EditorState.readOnly.of(!yes), EditorView.editable.of(yes)];
}

export function createEditor(parent, { text, awareness, language = "python" }) {
  const languageSlot = new Compartment();
  const writableSlot = new Compartment();
  // Undo and redo take back only this user's own edits, never the partner's.
  const undoManager = new Y.UndoManager(text);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text.toString(),
      extensions: [
        // First, so its undo keys win over basicSetup's local history.
        yCollab(text, awareness, { undoManager }),
        basicSetup,
        indentUnit.of("    "),
        theme,
        languageSlot.of((LANGUAGES[language] ?? LANGUAGES.python).support()),
        writableSlot.of(writable(false)),
      ],
    }),
  });
  return {
    view,
    setLanguage(name) {
      const entry = LANGUAGES[name];
      if (entry) view.dispatch({ effects: languageSlot.reconfigure(entry.support()) });
    },
    setWritable(yes) {
      view.dispatch({ effects: writableSlot.reconfigure(writable(yes)) });
    },
    destroy() {
      view.destroy();
      undoManager.destroy();
    },
  };
}
