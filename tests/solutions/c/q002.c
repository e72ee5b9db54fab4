bool are_tags_balanced(char* tags) {
    size_t n = strlen(tags);
    if (n % 2) return false;
    char* stack = malloc(n + 1);
    size_t top = 0;
    bool balanced = true;
    for (size_t i = 0; i < n && balanced; i++) {
        char c = tags[i];
        char partner = c == ')' ? '(' : c == ']' ? '[' : c == '}' ? '{' : c == '>' ? '<' : 0;
        if (partner) {
            if (top == 0 || stack[--top] != partner) balanced = false;
        } else {
            stack[top++] = c;
        }
    }
    free(stack);
    return balanced && top == 0;
}
