function payWithTwoCards(values, target) {
  const seen = new Map();
  for (let j = 0; j < values.length; j++) {
    const i = seen.get(target - values[j]);
    if (i !== undefined) return [i, j];
    if (!seen.has(values[j])) seen.set(values[j], j);
  }
  return [];
}
