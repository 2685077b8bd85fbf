// Trunk initializer: a real progress bar while the WebAssembly downloads,
// and a readable message instead of a blank page when it cannot start.
export default function attendLoader() {
  const bar = () => document.getElementById("boot-progress");
  const text = () => document.getElementById("boot-text");
  const mib = (n) => (n / 1048576).toFixed(1) + " MiB";
  return {
    onStart: () => {
      if (text()) text().textContent = "Downloading the app…";
    },
    onProgress: ({ current, total }) => {
      const b = bar();
      if (!b) return;
      if (total > 0) {
        b.max = total;
        b.value = current;
        text().textContent = "Downloading the app… " + mib(current) + " of " + mib(total);
      } else {
        b.removeAttribute("value");
        text().textContent = "Downloading the app… " + mib(current);
      }
    },
    onComplete: () => {},
    onSuccess: () => {
      const boot = document.getElementById("boot");
      if (boot) boot.remove();
    },
    onFailure: (error) => {
      const t = text();
      if (t) {
        t.textContent =
          "Attend could not start: " + error + ". Check your connection and reload; " +
          "the app needs a browser with WebAssembly.";
        t.classList.add("boot-error");
      }
    },
  };
}
