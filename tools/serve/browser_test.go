package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"z80ulm/game/screen"
)

// The seed transcript of SPEC.md section 1, typed into GUESS one question
// at a time.
var seed = []struct{ q, a string }{
	{"is it alive", "YES"},
	{"is it big", "YES"},
	{"does it have a trunk", "YES"},
	{"is it grey", "MAYBE"},
	{"elephant", "WIN"},
}

// page is what the test reads from window.z80ulm.
type page struct {
	Ready bool     `json:"ready"`
	Lines []string `json:"lines"`
	Stats struct {
		MHz            float64 `json:"mhz"`
		TStates        uint64  `json:"tstates"`
		Program        string  `json:"program"`
		Waiting        bool    `json:"waiting"`
		Turbo          bool    `json:"turbo"`
		Ticks          uint64  `json:"ticks"`
		MissedFrames   uint64  `json:"missedFrames"`
		TPS            float64 `json:"tps"`
		FPS            float64 `json:"fps"`
		PendingInput   int     `json:"pendingInput"`
		PageToPromptMs float64 `json:"pageToPromptMs"`
		EmuMs          float64 `json:"emuMs"`
		UpdateMs       float64 `json:"updateMs"`
		DrawMs         float64 `json:"drawMs"`
	} `json:"stats"`
}

const readPage = `window.z80ulm ? {ready: true, lines: z80ulm.screenText(), stats: z80ulm.stats()} : {ready: false}`

func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// site builds dist/ once per test binary into a temporary directory.
var site struct {
	once sync.Once
	dir  string
	sum  string
	err  error
}

// TestMain removes the built site after all tests and benchmarks.
func TestMain(m *testing.M) {
	code := m.Run()
	if site.dir != "" {
		os.RemoveAll(site.dir)
	}
	os.Exit(code)
}

func builtSite(tb testing.TB) string {
	site.once.Do(func() {
		site.dir, site.err = os.MkdirTemp("", "z80ulm-dist-")
		if site.err == nil {
			site.sum, site.err = Build("../..", site.dir)
		}
	})
	if site.err != nil {
		tb.Fatalf("building the site: %v", site.err)
	}
	return site.dir
}

// browser serves the site under a sub-path (relative URLs must work
// there) and starts headless chromium with the flags of SPEC.md section 8.
func browser(tb testing.TB) (ctx context.Context, base string) {
	exe := chromium()
	if exe == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("chromium is not installed (CI=true: make deps installs it)")
		}
		tb.Skip("chromium is not installed (make deps installs it)")
	}
	dir := builtSite(tb)
	h, err := Handler(dir)
	if err != nil {
		tb.Fatal(err)
	}
	const sub = "/some/sub/path"
	srv := httptest.NewServer(http.StripPrefix(sub, h))
	tb.Cleanup(srv.Close)

	// A fresh profile, removed after the browser has gone (t.TempDir's
	// cleanup can run while chromium's helpers still write into it).
	profile, err := os.MkdirTemp("", "z80ulm-chromium-")
	if err != nil {
		tb.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	// chromedp's protocol tables lag behind Debian's chromium: it cannot
	// parse some newer event fields, which does not matter here.
	quiet := chromedp.WithErrorf(func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			tb.Logf("chromedp: %s", msg)
		}
	})
	ctx, cancelC := chromedp.NewContext(actx, quiet)
	tb.Cleanup(func() {
		cancelC()
		cancelA()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			tb.Logf("console.%s: %s", e.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			tb.Logf("page exception: %s", e.ExceptionDetails.Error())
		}
	})
	return ctx, srv.URL + sub + "/"
}

// waitFor polls the page until cond holds.
func waitFor(tb testing.TB, ctx context.Context, what string, limit time.Duration, cond func(p page) bool) page {
	tb.Helper()
	deadline := time.Now().Add(limit)
	var p page
	for {
		p = page{}
		if err := chromedp.Run(ctx, chromedp.Evaluate(readPage, &p)); err != nil {
			tb.Fatalf("%s: reading the page: %v", what, err)
		}
		if p.Ready && cond(p) {
			return p
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not after %v; screen:\n%s\nstats: %+v", what, limit, strings.Join(p.Lines, "\n"), p.Stats)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// prompted: the program waits for a line at a "> " prompt.
func prompted(p page) bool {
	last := ""
	for _, l := range p.Lines {
		if t := strings.TrimSpace(l); t != "" {
			last = t
		}
	}
	return p.Stats.Waiting && p.Stats.PendingInput == 0 && last == ">"
}

// answerTo finds the last "> question" line and returns the first non-blank
// line after it, once a new prompt follows.
func answerTo(lines []string, q string) (string, bool) {
	at := -1
	for i, l := range lines {
		if strings.TrimRight(l, " ") == "> "+q {
			at = i
		}
	}
	if at < 0 {
		return "", false
	}
	answer := ""
	for _, l := range lines[at+1:] {
		t := strings.TrimSpace(l)
		if answer == "" && t != "" {
			answer = t
			continue
		}
		if answer != "" && strings.HasPrefix(t, ">") {
			return answer, true
		}
	}
	return "", false
}

func outDir(tb testing.TB) string {
	dir := filepath.Join("..", "..", "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func TestBrowserGuess(t *testing.T) {
	ctx, base := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.Navigate(base)); err != nil {
		t.Fatal(err)
	}
	p := waitFor(t, ctx, "GUESS prompt", 90*time.Second, func(p page) bool {
		return p.Stats.Program == "GUESS" && prompted(p)
	})
	if len(p.Lines) != 24 {
		t.Fatalf("screenText() has %d lines, want 24", len(p.Lines))
	}
	for i, l := range p.Lines {
		if len(l) != 80 {
			t.Fatalf("line %d is %d wide, want 80", i, len(l))
		}
	}
	if !strings.Contains(p.Lines[0], "CP/M") || !strings.HasPrefix(p.Lines[1], "A>GUESS") {
		t.Errorf("no sign-on and A>GUESS at the top:\n%s", strings.Join(p.Lines, "\n"))
	}
	t.Logf("first prompt %.0f ms after the page began loading", p.Stats.PageToPromptMs)

	// The loading bar has gone, the title and the how-to are there.
	var ui struct {
		Loading bool   `json:"loading"`
		Title   string `json:"title"`
		HowTo   int    `json:"howto"`
	}
	js := `({loading: !!document.getElementById("loading"), title: document.title, howto: document.querySelectorAll("header p").length})`
	if err := chromedp.Run(ctx, chromedp.Evaluate(js, &ui)); err != nil {
		t.Fatal(err)
	}
	if ui.Loading || !strings.Contains(ui.Title, "Z80") || ui.HowTo != 2 {
		t.Errorf("page: loading bar still there %v, title %q, %d how-to lines (want 2)", ui.Loading, ui.Title, ui.HowTo)
	}
	// The screen has the focus from the start: typing goes straight in.
	var focused string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.activeElement ? document.activeElement.tagName : ""`, &focused)); err != nil {
		t.Fatal(err)
	}
	if focused != "CANVAS" {
		t.Errorf("focused element is %q, want the CANVAS", focused)
	}
	// Type each question as key events.
	for _, s := range seed {
		start := time.Now()
		if err := chromedp.Run(ctx, chromedp.KeyEvent(s.q+"\r")); err != nil {
			t.Fatal(err)
		}
		p = waitFor(t, ctx, "answer to "+s.q, 60*time.Second, func(p page) bool {
			_, ok := answerTo(p.Lines, s.q)
			return ok && prompted(p)
		})
		got, _ := answerTo(p.Lines, s.q)
		t.Logf("> %-22s %-6s (%.1f s, %.2f MHz)", s.q, got, time.Since(start).Seconds(), p.Stats.MHz)
		if got != s.a {
			t.Errorf("%q: answer %q, want %q", s.q, got, s.a)
		}
	}
	if p.Stats.MHz < 3.9 || p.Stats.MHz > 4.1 {
		t.Errorf("achieved %.3f MHz while answering, want 4.00", p.Stats.MHz)
	}

	var shot []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&shot)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(outDir(t), "browser-guess.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
	// The pixels say the same as screenText().
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	seen, err := screen.Decode(img)
	if err != nil {
		t.Fatalf("reading the screenshot: %v", err)
	}
	for _, s := range seed {
		if got, ok := answerTo(seen[:screen.Rows], s.q); !ok || got != s.a {
			t.Errorf("screenshot: answer to %q reads %q, want %q; screenshot reads:\n%s", s.q, got, s.a, strings.Join(seen, "\n"))
			break
		}
	}
}

// ?run= boots to the bare A> prompt; a paste lands in the console queue.
func TestBrowserPromptAndPaste(t *testing.T) {
	ctx, base := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"?run=")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "A> prompt", 90*time.Second, func(p page) bool {
		return p.Stats.Program == "" && p.Stats.Waiting && strings.TrimSpace(p.Lines[1]) == "A>"
	})
	paste := `const dt = new DataTransfer(); dt.setData("text/plain", "dir\n");
		document.querySelector("canvas").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true}));`
	if err := chromedp.Run(ctx, chromedp.Evaluate(paste, nil)); err != nil {
		t.Fatal(err)
	}
	p := waitFor(t, ctx, "DIR listing", 30*time.Second, func(p page) bool {
		text := strings.Join(p.Lines, "\n")
		return p.Stats.Waiting && strings.Contains(text, "A>dir") && strings.Count(text, "COM") >= 2
	})
	text := strings.Join(p.Lines, "\n")
	for _, name := range []string{"GUESS", "CHAT"} {
		if !strings.Contains(text, name) {
			t.Errorf("DIR does not list %s:\n%s", name, text)
		}
	}
}

// ?run=CHAT picks the chatbot; a line starting with "!" quits it and the
// A> prompt comes back.
func TestBrowserChatAndExit(t *testing.T) {
	ctx, base := browser(t)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"?run=CHAT")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "CHAT prompt", 90*time.Second, func(p page) bool {
		return p.Stats.Program == "CHAT" && prompted(p)
	})
	if err := chromedp.Run(ctx, chromedp.KeyEvent("hello\r")); err != nil {
		t.Fatal(err)
	}
	p := waitFor(t, ctx, "answer to hello", 60*time.Second, func(p page) bool {
		_, ok := answerTo(p.Lines, "hello")
		return ok && prompted(p)
	})
	if got, _ := answerTo(p.Lines, "hello"); got != "HI" {
		t.Errorf("CHAT answered %q to hello, want HI", got)
	}
	if err := chromedp.Run(ctx, chromedp.KeyEvent("!\r")); err != nil {
		t.Fatal(err)
	}
	p = waitFor(t, ctx, "A> prompt after exit", 30*time.Second, func(p page) bool {
		last := ""
		for _, l := range p.Lines {
			if s := strings.TrimSpace(l); s != "" {
				last = s
			}
		}
		return p.Stats.Program == "" && p.Stats.Waiting && last == "A>"
	})
}
