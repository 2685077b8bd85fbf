// Attend's service worker: after one visit the app works offline, and a
// new version arrives whole or not at all.
//
// `cargo xtask build` writes VERSION (a hash of the built files) and
// APP_FILES (every file of the app shell) into the copy in dist/. Installing
// a version downloads all of its files into its own cache first; if any
// fails, the install fails and the old version keeps serving. The page then
// offers a reload (boot.js), and only on that reload do the page, its
// WebAssembly and the model worker switch to the new version together.
//
// The model's WebAssembly comes in two builds (worker-build.js); a version
// keeps only the one this browser runs.
//
// The model worker keeps model files in its own cache ("attend-models-v1");
// this worker never serves, copies or deletes them.
importScripts("worker-build.js");
const VERSION = "dev";
const APP_FILES = [];
const OTHER_BUILD = self.attendWorkerBuild === "attend-worker" ? "attend-worker-relaxed" : "attend-worker";
const OTHER_BUILD_FILES = [OTHER_BUILD + ".js", OTHER_BUILD + "_bg.wasm"];
const CACHE = "attend-app-" + VERSION;
const OLD_CACHES = (key) => (key.startsWith("attend-app-") && key !== CACHE) || key === "attend-v1";
// Model files live under <scope>/models/, wherever the site is deployed
// (a path such as /courses/models/attend/ elsewhere in the URL is not it).
const MODELS = new URL("models/", self.registration.scope).pathname;
const INDEX = new URL("./", self.registration.scope).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(
        APP_FILES.filter((file) => !OTHER_BUILD_FILES.includes(file)).map(
          (file) => new Request(file, { cache: "reload" }),
        ),
      ),
    ),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") {
    event.waitUntil(self.skipWaiting());
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(OLD_CACHES).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// The network, keeping a copy of what it answered (inside waitUntil, so
// the worker is not stopped halfway through the write).
async function fromNetwork(event, cache) {
  const response = await fetch(event.request);
  if (cache && response.ok && response.type === "basic") {
    event.waitUntil(
      cache.put(event.request, response.clone()).catch((error) => {
        // A full disk costs the offline copy of this file, nothing else.
        console.warn("Attend: not kept for offline use:", event.request.url, error);
      }),
    );
  }
  return response;
}

async function answer(event) {
  let cache = null;
  try {
    cache = await caches.open(CACHE);
  } catch (error) {
    // No Cache API (storage off or full): the network alone.
    return fetch(event.request);
  }
  const request = event.request;
  if (VERSION !== "dev") {
    // A built version: its own files, exactly as installed.
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
  }
  try {
    return await fromNetwork(event, cache);
  } catch (error) {
    // Offline: the kept copy; a page of the app falls back to its start page.
    const copy =
      (await cache.match(request, { ignoreSearch: true })) ||
      (request.mode === "navigate" ? await cache.match(INDEX) : undefined);
    return copy || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (
    event.request.method !== "GET" ||
    url.origin !== self.location.origin ||
    url.pathname.startsWith(MODELS)
  ) {
    return;
  }
  event.respondWith(answer(event));
});
