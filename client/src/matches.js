// What a `matched` event said (partner, question), kept for the room page of this tab.

const PREFIX = "peerprep.match.";

export function rememberMatch(match) {
  try {
    sessionStorage.setItem(PREFIX + match.roomId, JSON.stringify(match));
  } catch {
    // Storage full or refused: the room page asks the server instead.
  }
}

export function matchOf(roomId) {
  try {
    return JSON.parse(sessionStorage.getItem(PREFIX + roomId) ?? "null");
  } catch {
    return null;
  }
}
