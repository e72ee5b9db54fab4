// ways[i] = ways[i - 1] + ways[i - 3], with ways[0] = ways[1] = ways[2] = 1.
long long count_hop_sequences(int n) {
    long long a = 1, b = 1, c = 1;
    if (n < 3) return 1;
    for (int i = 3; i <= n; i++) {
        long long next = c + a;
        a = b;
        b = c;
        c = next;
    }
    return c;
}
