def fewest_cameras(root: "TreeNode | None") -> int:
    # Greedy post-order. States: 0 = not watched, 1 = watched (no camera), 2 = has camera.
    if root is None:
        return 0
    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        if node.left is not None:
            stack.append(node.left)
        if node.right is not None:
            stack.append(node.right)
    state: dict[int, int] = {}
    cameras = 0
    for node in reversed(order):
        left = state[id(node.left)] if node.left is not None else 1
        r = state[id(node.right)] if node.right is not None else 1
        if left == 0 or r == 0:
            cameras += 1
            state[id(node)] = 2
        elif left == 2 or r == 2:
            state[id(node)] = 1
        else:
            state[id(node)] = 0
    if state[id(root)] == 0:
        cameras += 1
    return cameras
