function isMirrorGarden(root) {
  if (root === null) return true;
  const stack = [[root.left, root.right]];
  while (stack.length > 0) {
    const [a, b] = stack.pop();
    if (a === null && b === null) continue;
    if (a === null || b === null || a.val !== b.val) return false;
    stack.push([a.left, b.right]);
    stack.push([a.right, b.left]);
  }
  return true;
}
