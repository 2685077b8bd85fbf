// Attend's service worker: after one visit the app works offline.
// Same-origin GETs are answered from the cache at once when possible and
// refreshed in the background (stale-while-revalidate), so a classroom on
// weak Wi-Fi gets a fast start and still picks up new versions.
const CACHE = "attend-v1";
// The model worker keeps the weights in its own cache ("attend-models-v1");
// this worker neither copies them nor deletes that cache.
const APP_CACHE_PREFIX = "attend-v";

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(APP_CACHE_PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.includes("/models/")) {
    return;
  }
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(request, { ignoreSearch: true });
      const network = fetch(request)
        .then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        })
        .catch(() => cached || Response.error());
      return cached || network;
    }),
  );
});
