def most_scenic_trail(root: "TreeNode | None") -> int:
    # Iterative post-order: gain[node] = best downward trail starting at node.
    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        if node.left is not None:
            stack.append(node.left)
        if node.right is not None:
            stack.append(node.right)
    gain: dict[int, int] = {}
    best = root.val
    for node in reversed(order):
        left = gain.get(id(node.left), 0) if node.left is not None else 0
        right = gain.get(id(node.right), 0) if node.right is not None else 0
        if left < 0:
            left = 0
        if right < 0:
            right = 0
        through = node.val + left + right
        if through > best:
            best = through
        gain[id(node)] = node.val + max(left, right)
    return best
