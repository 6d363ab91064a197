// Order statistics the benchmarks report, written once.

// The numbers among `values`, ascending (anything else is left out).
function ascending(values) {
  return values.filter((value) => typeof value === 'number').sort((a, b) => a - b);
}

// The median: the middle value, or the mean of the middle two for an even
// count; undefined for no numbers.
export function median(values) {
  const sorted = ascending(values);
  if (sorted.length === 0) return undefined;
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// The q-quantile (0 <= q <= 1) by nearest rank; undefined for no numbers.
export function quantile(values, q) {
  const sorted = ascending(values);
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
}
