function countHopSequences(n) {
  // ways[i] = ways[i - 1] + ways[i - 3], with ways[0] = 1
  if (n < 3) return 1;
  let a = 1, b = 1, c = 1; // ways[i - 3], ways[i - 2], ways[i - 1] for i = 3
  for (let i = 3; i <= n; i++) [a, b, c] = [b, c, c + a];
  return c;
}
