// Starts Attend: downloads the app's WebAssembly with a real progress bar,
// says so plainly when it cannot start, registers the offline service
// worker, and offers a reload when a new version of the site is ready.
// A module file (not an inline script), so the content security policy can
// forbid inline scripts.
import init from "./attend-app.js";
import attendLoader from "./loader.js";

const WASM = "./attend-app_bg.wasm";

// The body of `response`, counted as it arrives.
function counted(response, onProgress) {
  const total = Number(response.headers.get("content-length")) || 0;
  if (!response.body) return response;
  const reader = response.body.getReader();
  let current = 0;
  const stream = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        onProgress({ current: total || current, total });
        controller.close();
        return;
      }
      current += value.byteLength;
      onProgress({ current, total });
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(stream, {
    headers: response.headers,
    status: response.status,
    statusText: response.statusText,
  });
}

async function start() {
  const loader = attendLoader();
  loader.onStart();
  try {
    const response = await fetch(WASM);
    if (!response.ok) throw new Error("the app's WebAssembly answered HTTP " + response.status);
    const wasm = await init({ module_or_path: counted(response, loader.onProgress) });
    // For diagnostics and `cargo xtask bench --soak`: the page's own memory.
    window.attendPageMemoryBytes = () => wasm.memory.buffer.byteLength;
    loader.onComplete();
    loader.onSuccess(wasm);
  } catch (error) {
    loader.onComplete();
    loader.onFailure(error);
  }
}

// A new version waits until the reader chooses to reload: the page, its
// WebAssembly and the model worker then all come from the same version.
function offerUpdate(registration) {
  const waiting = registration.waiting;
  if (!waiting || !navigator.serviceWorker.controller) return;
  const text = document.createElement("span");
  text.textContent = "A new version of Attend is ready. ";
  showBanner("update-banner", "status", [text], () => waiting.postMessage({ type: "skip-waiting" }));
}

// A banner fixed at the bottom of the page (`id` is also its class and
// test id) with `parts` and a Reload button that calls `onReload`. Text is
// set as text, never as HTML.
function showBanner(id, role, parts, onReload) {
  if (document.getElementById(id)) return;
  const banner = document.createElement("div");
  banner.id = id;
  banner.className = id;
  banner.setAttribute("role", role);
  banner.setAttribute("data-testid", id);
  const button = document.createElement("button");
  button.textContent = "Reload";
  button.setAttribute("data-testid", id.replace("-banner", "-reload"));
  button.addEventListener("click", onReload);
  banner.append(...parts, button);
  document.body.append(banner);
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || location.protocol === "file:") return;
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only a reload the reader asked for (see offerUpdate); the first
    // install takes control without reloading.
    if (reloading || !document.getElementById("update-banner")) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker
    .register("sw.js")
    .then((registration) => {
      offerUpdate(registration);
      registration.addEventListener("updatefound", () => {
        const installing = registration.installing;
        if (!installing) return;
        installing.addEventListener("statechange", () => {
          if (installing.state === "installed") offerUpdate(registration);
        });
      });
    })
    .catch((error) => {
      // Without the service worker the app still runs; it is only not
      // available offline.
      console.warn("Attend: offline copy unavailable:", error);
    });
}

// A crash in the page's WebAssembly (a Rust panic aborts, and the trap
// surfaces as a WebAssembly.RuntimeError) leaves nothing working: say so and
// offer a reload instead of leaving a page that silently stopped.
function isCrash(error, message) {
  return (
    (typeof WebAssembly !== "undefined" && error instanceof WebAssembly.RuntimeError) ||
    /\bunreachable\b|panicked at/.test(String(message || ""))
  );
}

function showCrash(what) {
  const text = document.createElement("p");
  text.textContent =
    "Something broke in Attend and this page stopped working. Reloading starts it again (your sentence and settings are in the link).";
  const detail = document.createElement("p");
  detail.className = "crash-detail";
  detail.textContent = String(what || "").slice(0, 300);
  showBanner("crash-banner", "alert", [text, detail], () => location.reload());
}

window.addEventListener("error", (event) => {
  if (isCrash(event.error, event.message)) showCrash(event.message);
});
window.addEventListener("unhandledrejection", (event) => {
  const reason = event.reason;
  if (isCrash(reason, reason && reason.message)) showCrash(reason && reason.message);
});

// On the live section the model is the point: its worker (and its own,
// larger WebAssembly) starts now, in parallel with the app's, and the app
// adopts it (attend-runtime's client) with whatever it said meanwhile.
function startModelWorkerEarly() {
  if (!location.hash.startsWith("#/attention") || typeof Worker === "undefined") return;
  try {
    const worker = new Worker("model-worker.js");
    const early = { worker, messages: [], errors: [] };
    worker.onmessage = (event) => early.messages.push(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      early.errors.push(event.message || "the model worker could not start");
    };
    window.attendEarlyWorker = early;
  } catch (error) {
    // The app starts its own worker later and reports what fails.
    console.warn("Attend: the model worker did not start early:", error);
  }
}

startModelWorkerEarly();
registerServiceWorker();
start();
