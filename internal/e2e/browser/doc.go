// Package browser holds the end-to-end tests of the browser version
// (docs/DESIGN.md, "The front ends"): the site is built as for any host,
// served under a sub-path, and played in headless chromium through
// chromedp, as a laptop and as a phone, with real key, touch, paste and
// drop events. A missing chromium skips them, or fails them under CI=true.
// BenchmarkBrowserClock measures the page (make bench-web).
package browser
