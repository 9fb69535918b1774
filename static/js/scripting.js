// Loaded in <head> on every page, before the page is drawn: scripts run, so the styles for pages without
// them (html.no-js in mio.css, e.g. the phone menu shown open) no longer apply, and nothing flashes.
document.documentElement.classList.remove("no-js");
