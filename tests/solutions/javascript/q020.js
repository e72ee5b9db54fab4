function pageAfterCommands(commands) {
  const history = ["home"];
  for (const command of commands) {
    if (command === "back") {
      if (history.length > 1) history.pop();
    } else {
      history.push(command.slice("visit ".length));
    }
  }
  return history[history.length - 1];
}
