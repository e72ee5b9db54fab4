// A question's statement is Markdown; it is rendered with marked and sanitised with DOMPurify
// before it touches the page (statements are written by admins, but still never trusted as HTML).

import DOMPurify from "dompurify";
import { marked } from "marked";

export function markdown(text) {
  const element = document.createElement("div");
  element.className = "markdown";
  element.innerHTML = DOMPurify.sanitize(marked.parse(text ?? "", { async: false, gfm: true }));
  for (const link of element.querySelectorAll("a[href]")) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  return element;
}
