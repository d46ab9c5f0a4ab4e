// Regenerates tests/symbols/fixtures/ from tests/symbols/generate/src/ with real tools, and asks
// Mozilla's `source-map` 0.7.4 for the expected answer at every sampled position.
//
//   mkdir -p /tmp/symtools && cp tests/symbols/generate/package.json /tmp/symtools/
//   (cd /tmp/symtools && npm install --no-audit --no-fund)
//   TOOLS_DIR=/tmp/symtools node tests/symbols/generate/generate.mjs
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(path.join(process.env.TOOLS_DIR || process.cwd(), "package.json"));
const esbuild = require("esbuild");
const { minify } = require("terser");
const sourceMap = require("source-map");

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, "src");
const out = path.join(here, "..", "fixtures");
const DEBUG_ID = "c0ffee00-1234-4abc-8def-0123456789ab";

function write(rel, data) {
  const file = path.join(out, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

function stripMapComment(code) {
  return code.replace(/\n?\/\/# sourceMappingURL=.*\s*$/, "");
}

async function buildEsbuild(sourcemap, outfile) {
  const result = await esbuild.build({
    entryPoints: [path.join(srcDir, "main.js")],
    bundle: true,
    minify: true,
    format: "iife",
    charset: "utf8",
    sourcemap,
    sourcesContent: true,
    outfile,
    write: false,
    absWorkingDir: here,
  });
  const files = {};
  for (const f of result.outputFiles) files[path.basename(f.path)] = f.text;
  return files;
}

async function esbuildFixture() {
  const files = await buildEsbuild("external", path.join(out, "esbuild", "app.min.js"));
  const map = JSON.parse(files["app.min.js.map"]);
  map.debugId = DEBUG_ID; // what `sentry-cli sourcemaps inject` adds
  const code = files["app.min.js"] + `//# debugId=${DEBUG_ID}\n`;
  write("esbuild/app.min.js", code);
  write("esbuild/app.min.js.map", JSON.stringify(map));
  const inline = await buildEsbuild("inline", path.join(out, "inline", "app.inline.js"));
  write("inline/app.inline.js", inline["app.inline.js"]);
  return { code, map };
}

async function terserFixture() {
  const names = ["cart.js", "emoji.js", "vendor/tinylib/index.js"];
  const inputs = {};
  for (const n of names) inputs[`src/${n}`] = fs.readFileSync(path.join(srcDir, n), "utf8");
  const result = await minify(inputs, {
    module: true,
    toplevel: true,
    mangle: true,
    compress: { passes: 1 },
    sourceMap: { filename: "app.terser.js", url: "app.terser.js.map", root: "/app/", includeSources: true },
  });
  write("terser/app.terser.js", result.code);
  write("terser/app.terser.js.map", result.map);
  return { code: result.code, map: JSON.parse(result.map) };
}

function indexFixture(first, second) {
  // Two sections; the second starts on the first one's last line, after a ';'.
  const a = stripMapComment(first.code);
  const b = stripMapComment(second.code);
  const lines = a.split("\n");
  const offset = { line: lines.length - 1, column: lines[lines.length - 1].length + 1 };
  const code = `${a};${b}\n//# sourceMappingURL=bundle.js.map\n`;
  const map = {
    version: 3,
    file: "bundle.js",
    sections: [
      { offset: { line: 0, column: 0 }, map: first.map },
      { offset, map: second.map },
    ],
  };
  write("index/bundle.js", code);
  write("index/bundle.js.map", JSON.stringify(map));
  return { code, map };
}

async function expectations(name, fixture) {
  const consumer = await new sourceMap.SourceMapConsumer(fixture.map);
  const lines = fixture.code.split("\n");
  const positions = new Set();
  consumer.eachMapping((m) => {
    for (const delta of [-1, 0, 1, 3]) {
      if (m.generatedColumn + delta >= 0) positions.add(`${m.generatedLine}:${m.generatedColumn + delta}`);
    }
  });
  lines.forEach((text, i) => {
    for (const col of [0, text.length, text.length + 5]) positions.add(`${i + 1}:${col}`);
  });
  positions.add(`${lines.length + 3}:0`);
  const answers = [];
  for (const key of [...positions].sort()) {
    const [line, column] = key.split(":").map(Number);
    const p = consumer.originalPositionFor({ line, column });
    answers.push([line, column, p.source, p.line, p.column, p.name]);
  }
  consumer.destroy();
  write(`expected/${name}.json`, JSON.stringify({ tool: "source-map 0.7.4", answers }) + "\n");
}

async function captureStack() {
  // Run the real minified bundle and record the V8 frames, as a browser SDK would send them.
  await import(pathToFileURL(path.join(out, "esbuild", "app.min.js")).href);
  const result = globalThis.fixtureMain();
  const frames = [];
  for (const line of result.stack.split("\n").slice(1)) {
    const m = line.match(/at (?:(.*?) \()?(.*):(\d+):(\d+)\)?$/);
    if (m && m[2].endsWith("app.min.js")) {
      frames.push({ function: m[1] || "", lineno: Number(m[3]), colno: Number(m[4]) });
    }
  }
  frames.reverse(); // Sentry order: oldest first
  write("expected/esbuild-stack.json", JSON.stringify({ message: result.message, frames }, null, 1) + "\n");
}

async function constructorBundles() {
  // The ctor/ app bundled twice, by esbuild (which writes `var c=class c{...}` for a class with
  // a static field, and `var s=class{...}` for others) and by terser, as ES modules node can run.
  const entry = path.join(srcDir, "ctor", "main.mjs");
  const built = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    sourcemap: "external",
    sourcesContent: true,
    outfile: path.join(out, "ctor", "ctor.esbuild.mjs"),
    write: false,
    absWorkingDir: here,
  });
  const files = {};
  for (const f of built.outputFiles) files[path.basename(f.path)] = f.text;
  write("ctor/ctor.esbuild.mjs", files["ctor.esbuild.mjs"]);
  write("ctor/ctor.esbuild.mjs.map", files["ctor.esbuild.mjs.map"]);
  const inputs = {};
  for (const n of ["dates.mjs", "main.mjs"]) {
    const code = fs.readFileSync(path.join(srcDir, "ctor", n), "utf8");
    // One scope, concatenated; only main's exports stay, so terser renames the classes.
    const local = n === "dates.mjs" ? code.replace(/^export (class|function)/gm, "$1") : code;
    inputs[`src/ctor/${n}`] = local.replace(/^import .*$/m, "");
  }
  const result = await minify(inputs, {
    module: true,
    toplevel: true,
    mangle: true,
    compress: { passes: 1 },
    sourceMap: { filename: "ctor.terser.mjs", url: "ctor.terser.mjs.map", includeSources: true },
  });
  write("ctor/ctor.terser.mjs", result.code);
  write("ctor/ctor.terser.mjs.map", result.map);
}

function v8Frames(stack, file) {
  const frames = [];
  for (const line of stack.split("\n").slice(1)) {
    const m = line.match(/at (?:(.*?) \()?(.*):(\d+):(\d+)\)?$/);
    if (m && m[2].endsWith(file)) {
      frames.push({ function: m[1] || "", lineno: Number(m[3]), colno: Number(m[4]) });
    }
  }
  return frames;
}

async function captureConstructorStacks() {
  // Each scenario thrown by the bundles and by the original modules: the original run's frame
  // names are the truth the resolved names are measured against.
  const original = await import(pathToFileURL(path.join(srcDir, "ctor", "main.mjs")).href);
  const stacks = [];
  for (const bundle of ["ctor.esbuild.mjs", "ctor.terser.mjs"]) {
    const minified = await import(pathToFileURL(path.join(out, "ctor", bundle)).href);
    for (const scenario of original.NAMES) {
      const frames = v8Frames(minified.run(scenario), bundle);
      const truth = v8Frames(original.run(scenario), ".mjs").slice(0, frames.length);
      frames.forEach((frame, i) => (frame.original = truth[i].function));
      stacks.push({ bundle, scenario, frames });
    }
  }
  write("expected/ctor-stacks.json", JSON.stringify(stacks, null, 1) + "\n");
}

const esb = await esbuildFixture();
const ter = await terserFixture();
const index = indexFixture(ter, esb);
await expectations("esbuild", esb);
await expectations("terser", ter);
await expectations("index", index);
await captureStack();
await constructorBundles();
await captureConstructorStacks();
console.log("fixtures written to", out);
