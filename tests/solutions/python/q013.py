def can_servers_talk(n: int, cables: list[list[int]], source: int, destination: int) -> bool:
    if source == destination:
        return True
    parent = list(range(n))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in cables:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return find(source) == find(destination)
