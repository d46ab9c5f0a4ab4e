// Run the minified shop bundle and build the `$exception` properties with posthog-js' own
// error-properties builder, the one its exception autocapture uses; print them as JSON.
//
// Usage: node record.mjs <bundle.js> '<session json>' <out.json>   (one session per process).
//
// The bundle must carry PostHog's chunk-id snippet (record_posthog.py injects it the way
// `posthog-cli sourcemap inject` does), so the builder puts `chunk_id` on the bundle's frames.
// Nothing is sent anywhere. The bundle runs from disk, while in production it is served from
// https://shop.example.com/assets/: the file URL is rewritten to that URL and the Node.js
// internals below the timer callback are dropped, so the frames look like a browser's; lineno,
// colno and chunk_id stay exactly as the builder produced them.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { PostHogExceptions } = require("posthog-js/lib/src/posthog-exceptions.js");
const { buildErrorPropertiesBuilder } = require("posthog-js/lib/src/posthog-exceptions.js");
const posthogVersion = JSON.parse(
  readFileSync(require.resolve("posthog-js/package.json"), "utf8"),
).version;

const SERVED_PREFIX = "https://shop.example.com/assets/";
const [bundleArg, sessionJson, outPath] = process.argv.slice(2);
const session = JSON.parse(sessionJson);
const bundlePath = resolve(bundleArg);
const bundleUrl = pathToFileURL(bundlePath).href;
const servedUrl = SERVED_PREFIX + basename(bundlePath);

// PostHogExceptions.buildProperties is what autocapture calls for window.onerror; it only needs
// the builder, so it runs here without a browser or a PostHog instance.
const exceptions = Object.create(PostHogExceptions.prototype);
exceptions._errorPropertiesBuilder = buildErrorPropertiesBuilder();

function rewriteForBrowser(properties) {
  for (const exception of properties.$exception_list) {
    const frames = exception.stacktrace?.frames ?? [];
    const kept = frames.filter((frame) => !frame.filename?.startsWith("node:"));
    for (const frame of kept) {
      if (frame.filename === bundleUrl || frame.filename === bundlePath) {
        frame.filename = servedUrl;
      }
    }
    exception.stacktrace.frames = kept;
  }
  return properties;
}

const captured = new Promise((resolveCaptured) => {
  process.on("uncaughtException", (error) => {
    resolveCaptured(exceptions.buildProperties(error, { handled: false }));
  });
});

// Keep console.log of the shop quiet: stdout is not used, but the log would be noise.
console.log = () => {};
const shop = await import(bundleUrl);
shop.clickCheckout(session.cart);
const properties = rewriteForBrowser(await captured);
const message = {
  event: "$exception",
  distinct_id: session.user.id,
  properties: {
    ...properties,
    $lib: "web",
    $lib_version: posthogVersion,
    $current_url: "https://shop.example.com/checkout",
    $session_id: session.session_id,
    $browser: session.browser,
    $os: session.os,
    $set: { email: session.user.email },
  },
  timestamp: new Date().toISOString(),
};
writeFileSync(outPath, `${JSON.stringify(message, null, 2)}\n`);
