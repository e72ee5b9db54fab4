from typing import Optional


def group_by_floor(root: Optional["TreeNode"]) -> list[list[int]]:
    levels: list[list[int]] = []
    level = [root] if root is not None else []
    while level:
        levels.append([node.val for node in level])
        next_level = []
        for node in level:
            if node.left is not None:
                next_level.append(node.left)
            if node.right is not None:
                next_level.append(node.right)
        level = next_level
    return levels
