def page_after_commands(commands: list[str]) -> str:
    history = ["home"]
    for command in commands:
        if command == "back":
            if len(history) > 1:
                history.pop()
        else:
            history.append(command[len("visit ") :])
    return history[-1]
