char* page_after_commands(char** commands, int commands_size) {
    const char** history = malloc((commands_size + 1) * sizeof *history);
    int top = 0;
    history[top++] = "home";
    for (int k = 0; k < commands_size; k++) {
        if (strcmp(commands[k], "back") == 0) {
            if (top > 1) top--;
        } else {
            history[top++] = commands[k] + strlen("visit ");
        }
    }
    char* page = strdup(history[top - 1]);
    free(history);
    return page;
}
