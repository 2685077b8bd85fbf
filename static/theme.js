// The reader's theme, applied before the first paint (a classic script in
// <head>, so it runs before the body is drawn). A file, not inline, so the
// content security policy can forbid inline scripts.
try {
  document.documentElement.setAttribute("data-theme", localStorage.getItem("attend-theme") || "auto");
} catch (e) {
  // Storage may be off (private mode): the automatic theme applies.
}
