// Stand-in for a dependency: frames from here are not in-app.
export function chunkBy(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) {
    out.push(list.slice(i, i + size));
  }
  return out;
}
