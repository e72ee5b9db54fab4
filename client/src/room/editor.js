// The room's editor: CodeMirror 6 bound to the shared Y.Text by y-codemirror.next, with the
// partner's caret and selection from the awareness, syntax highlighting for the room's language,
// and read-only whenever the room is not live (so no edit is made that the room would not get).

import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
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

// basicSetup brings CodeMirror's own history, which records every change the editor shows: the
// room's state on (re)connect and the partner's edits too. Its keys must never reach it, or an
// undo deletes the partner's code for both (undoSelection, Mod-u, undoes changes too). Undo and
// redo go to the Y.UndoManager, which tracks only this user's edits.
const ownUndoOnly = Prec.highest(
  keymap.of([
    ...yUndoManagerKeymap,
    { key: "Mod-u", run: () => true, preventDefault: true },
    { key: "Alt-u", mac: "Mod-Shift-u", run: () => true, preventDefault: true },
  ]),
);

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
        ownUndoOnly,
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
