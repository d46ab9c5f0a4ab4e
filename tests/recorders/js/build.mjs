// Bundle and minify the shop with esbuild, then inject a debug id the way Sentry's tooling does.
//
// Output: dist/assets/index-<hash>.js and its .map (sourcesContent included). The debug id is
// derived from the sources and the esbuild version, so a rebuild of the same code gives the same
// id, the same file name and byte-identical output.

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, "dist");

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? sourceFiles(path) : [path];
    })
    .sort();
}

function debugIdFor(files) {
  const hash = createHash("sha256").update(esbuild.version);
  for (const file of files) {
    hash.update(relative(root, file)).update(readFileSync(file));
  }
  const hex = hash.digest("hex").slice(0, 32).split("");
  // Make it a well-formed version 4 UUID, as sentry-cli's ids are.
  hex[12] = "4";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The snippet @sentry/bundler-plugin-core prepends: the SDK reads `_sentryDebugIds` to put the
// bundle into the event's `debug_meta.images`.
function debugIdSnippet(debugId) {
  return (
    ';{try{(function(){var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:' +
    '"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{},n=(new e.Error).stack;' +
    `n&&(e._sentryDebugIds=e._sentryDebugIds||{},e._sentryDebugIds[n]="${debugId}",` +
    `e._sentryDebugIdIdentifier="sentry-dbid-${debugId}");})();}catch(e){}};`
  );
}

export async function build() {
  const debugId = debugIdFor(sourceFiles(join(root, "src")));
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/main.js"],
    entryNames: "assets/index-[hash]",
    outdir,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    platform: "neutral",
    sourcemap: true,
    sourcesContent: true,
    banner: { js: debugIdSnippet(debugId) },
    write: false,
  });
  rmSync(outdir, { recursive: true, force: true });
  let bundlePath = "";
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    if (file.path.endsWith(".map")) {
      const map = JSON.parse(file.text);
      map.debug_id = debugId;
      map.debugId = debugId;
      writeFileSync(file.path, `${JSON.stringify(map)}\n`);
    } else {
      // sentry-cli puts the debug id comment just above the sourceMappingURL comment.
      const text = file.text.replace(
        /\n\/\/# sourceMappingURL=/,
        `\n//# debugId=${debugId}\n//# sourceMappingURL=`,
      );
      writeFileSync(file.path, text);
      bundlePath = file.path;
    }
  }
  return { bundlePath, mapPath: `${bundlePath}.map`, debugId };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await build()));
}
