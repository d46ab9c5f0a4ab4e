// Run the minified shop bundle under @sentry/node and print the event the SDK sends.
//
// Usage: node record.mjs <bundle.js> '<session json>' <out.json>   (one session per process: the
// SDK's uncaught-exception handler reports only the first uncaught error of a process).
//
// The transport keeps envelopes in memory: nothing leaves the machine. The bundle runs from disk,
// while in production it is served from https://shop.example.com/assets/. `beforeSend` rewrites
// the bundle's file path to that URL (frames and debug_meta alike), drops the `module` the Node
// SDK derives from that path, and drops the Node.js internals below the timer callback, so the
// event looks like the one a browser sends; lineno and colno stay exactly as V8 reported them.

import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import * as Sentry from "@sentry/node";

const SERVED_PREFIX = "https://shop.example.com/assets/";
const [bundleArg, sessionJson, outPath] = process.argv.slice(2);
const session = JSON.parse(sessionJson);
const bundlePath = resolve(bundleArg);
const bundleFile = bundlePath;
const servedUrl = SERVED_PREFIX + basename(bundlePath);
const envelopes = [];

function capturingTransport() {
  return {
    send(envelope) {
      envelopes.push(envelope);
      return Promise.resolve({ statusCode: 200 });
    },
    flush() {
      return Promise.resolve(true);
    },
  };
}

function servedPath(path) {
  if (path === bundleFile || path === pathToFileURL(bundleFile).href) {
    return servedUrl;
  }
  return path;
}

function rewriteForBrowser(event) {
  for (const exception of event.exception?.values ?? []) {
    const frames = exception.stacktrace?.frames ?? [];
    const kept = frames.filter((frame) => !frame.filename?.startsWith("node:"));
    for (const frame of kept.filter((frame) => servedPath(frame.filename) !== frame.filename)) {
      frame.filename = servedPath(frame.filename);
      frame.abs_path = frame.filename;
      // The Node SDK derives `module` from the path on disk; a browser SDK sends none.
      delete frame.module;
    }
    exception.stacktrace.frames = kept;
  }
  for (const image of event.debug_meta?.images ?? []) {
    image.code_file = servedPath(image.code_file);
  }
  return event;
}

Sentry.init({
  dsn: "https://0123456789abcdef0123456789abcdef@o4504.ingest.invalid/4504377",
  transport: capturingTransport,
  release: "shop-web@1.9.0",
  environment: "production",
  serverName: "shop-web-ssr-1",
  sendClientReports: false,
  beforeSend: rewriteForBrowser,
});

const done = new Promise((resolve) => {
  // A listener of our own keeps the SDK from exiting the process after it captured the error.
  process.on("uncaughtException", () => setTimeout(resolve, 50));
});

Sentry.setUser(session.user);
Sentry.setTags(session.tags);
Sentry.addBreadcrumb({ category: "navigation", data: { from: "/cart", to: "/checkout" } });
Sentry.addBreadcrumb({ category: "ui.click", message: "button#pay-now" });

const shop = await import(pathToFileURL(bundlePath).href);
shop.clickCheckout(session.cart);
await done;
await Sentry.flush(2000);

const events = envelopes.flatMap(([, items]) =>
  items.filter(([header]) => header.type === "event").map(([, payload]) => payload),
);
writeFileSync(outPath, `${JSON.stringify(events, null, 2)}\n`);
