// Astral characters before a call: source-map columns count UTF-16 code units here.
export function greet(name) {
  const wave = "👋🏽🎉"; const label = `${wave} ${name.toUpperCase()} ${"🚀".repeat(2)}`; return shout(label);
}

function shout(text) {
  return text + "!";
}

export const LONG_LINE = "a very long line that goes on and on to exceed the one hundred and fifty character limit of Sentry context lines " + "so that it gets trimmed with snip markers around the column";
