package browser

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"z80ulm/internal/testkit"
	"z80ulm/tools/serve/site"
)

// built is the site, built once per test binary.
var built = testkit.Built{Name: "site", Make: func(root, dir string) error {
	_, err := site.Build(root, dir)
	return err
}}

func TestMain(m *testing.M) { testkit.Main(m, &built) }

func builtSite(tb testing.TB) string { return built.Dir(tb) }

// device is what the browser pretends to be.
type device struct {
	name          string
	width, height int64
	scale         float64
	mobile        bool // a phone: touch, coarse pointer, mobile viewport
}

var (
	laptop = device{name: "laptop", width: 1280, height: 800, scale: 1}
	phone  = device{name: "phone", width: 390, height: 844, scale: 3, mobile: true}
)

// session is one headless chromium with a fresh profile, looking at the
// site served under a sub-path (relative URLs must work there).
type session struct {
	tb      testing.TB
	ctx     context.Context
	base    string
	dev     device
	profile string

	mu     sync.Mutex
	errors []string // console errors and uncaught exceptions
}

// start starts chromium with the flags docs/DESIGN.md gives for this
// environment, with a fresh profile (removed afterwards); everything the
// session does must be done within limit.
func start(tb testing.TB, dev device, limit time.Duration) *session {
	exe := testkit.Need(tb, "chromium|chromium-browser|google-chrome")[0]
	h, err := site.Handler(builtSite(tb))
	if err != nil {
		tb.Fatal(err)
	}
	const sub = "/some/sub/path"
	srv := httptest.NewServer(http.StripPrefix(sub, h))
	tb.Cleanup(srv.Close)
	s := &session{tb: tb, base: srv.URL + sub + "/", dev: dev}
	s.launch(exe)
	ctx, cancel := context.WithTimeout(s.ctx, limit)
	tb.Cleanup(cancel)
	s.ctx = ctx
	return s
}

func (s *session) launch(exe string) {
	tb := s.tb
	if s.profile == "" {
		dir, err := os.MkdirTemp("", "z80ulm-chromium-")
		if err != nil {
			tb.Fatal(err)
		}
		s.profile = dir
		// Removed after the browser has gone (t.TempDir's cleanup can run
		// while chromium's helpers still write into it).
		tb.Cleanup(func() {
			for i := 0; i < 20 && os.RemoveAll(dir) != nil; i++ {
				time.Sleep(100 * time.Millisecond)
			}
		})
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
		chromedp.UserDataDir(s.profile),
		chromedp.WindowSize(int(s.dev.width), int(s.dev.height)),
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
	tb.Cleanup(func() { cancelC(); cancelA() })
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			msg := fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " "))
			if e.Type == runtime.APITypeError {
				s.fault(msg)
			} else {
				tb.Logf("%s", msg)
			}
		case *runtime.EventExceptionThrown:
			s.fault("page exception: " + e.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError {
				s.fault("browser: " + e.Entry.Text + " " + e.Entry.URL)
			}
		}
	})
	// The device, then focus emulation: a headless page otherwise never
	// has the focus, and the page shows (rightly) that typing goes nowhere.
	emulate := chromedp.EmulateViewport(s.dev.width, s.dev.height, chromedp.EmulateScale(s.dev.scale))
	if s.dev.mobile {
		emulate = chromedp.EmulateViewport(s.dev.width, s.dev.height, chromedp.EmulateScale(s.dev.scale), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Run(ctx, log.Enable(), emulate, emulation.SetFocusEmulationEnabled(true)); err != nil {
		tb.Fatal(err)
	}
	s.ctx = ctx
}

func (s *session) fault(msg string) {
	s.tb.Logf("%s", msg)
	s.mu.Lock()
	s.errors = append(s.errors, msg)
	s.mu.Unlock()
}

// noErrors fails the test for any console error or exception so far.
func (s *session) noErrors() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errors {
		s.tb.Errorf("%s", e)
	}
}

// do runs chromedp actions, failing the test on error.
func (s *session) do(actions ...chromedp.Action) {
	s.tb.Helper()
	if err := chromedp.Run(s.ctx, actions...); err != nil {
		s.tb.Fatal(err)
	}
}

// eval evaluates JavaScript into out (nil to discard).
func (s *session) eval(js string, out any) {
	s.tb.Helper()
	s.do(chromedp.Evaluate(js, out))
}

// open loads the page with a query ("?run=CHAT") and waits for the program
// to reach its first prompt.
func (s *session) open(query string) page {
	s.tb.Helper()
	s.do(chromedp.Navigate(s.base + query))
	return s.waitFor("the first prompt", 90*time.Second, func(p page) bool { return p.Stats.Waiting && p.Stats.PendingInput == 0 })
}

// openAtCCP opens the page with query (one that runs no program) and
// fails the test unless the bare A> prompt waits.
func (s *session) openAtCCP(query string) page {
	s.tb.Helper()
	p := s.open(query)
	if !atCCP(p) {
		s.tb.Fatalf("no A> prompt:\n%s", strings.Join(p.Lines, "\n"))
	}
	return p
}

// page is what the tests read from the page.
type page struct {
	Ready bool     `json:"ready"`
	Lines []string `json:"lines"`
	Stats struct {
		MHz            float64 `json:"mhz"`
		Slow           bool    `json:"slow"`
		TStates        uint64  `json:"tstates"`
		Program        string  `json:"program"`
		Waiting        bool    `json:"waiting"`
		Computing      bool    `json:"computing"`
		LastCharT      uint64  `json:"lastCharT"`
		Turbo          bool    `json:"turbo"`
		CRT            bool    `json:"crt"`
		Focused        bool    `json:"focused"`
		Ticks          uint64  `json:"ticks"`
		MissedFrames   uint64  `json:"missedFrames"`
		TPS            float64 `json:"tps"`
		FPS            float64 `json:"fps"`
		PendingInput   int     `json:"pendingInput"`
		PageToPromptMs float64 `json:"pageToPromptMs"`
		EmuMs          float64 `json:"emuMs"`
		UpdateMs       float64 `json:"updateMs"`
		DrawMs         float64 `json:"drawMs"`
		Notice         string  `json:"notice"`
		ScreenW        float64 `json:"screenW"`
		ScreenH        float64 `json:"screenH"`
	} `json:"stats"`
	// The page around the screen.
	Active  string  `json:"active"`  // id of the focused element
	Classes string  `json:"classes"` // of <html>: touch, unfocused
	Width   float64 `json:"width"`   // the window's inner size
	Height  float64 `json:"height"`
	Bar     float64 `json:"bar"`    // the header's height
	KeyRow  float64 `json:"keyrow"` // the key row's height under the screen (0: hidden or beside)
	Beside  float64 `json:"beside"` // the key row's width beside the screen (0: under or hidden)
	About   string  `json:"about"`  // the header's line about the program
}

const readPage = `window.z80ulm && window.z80ulm.stats ? {
	ready: true, lines: z80ulm.screenText(), stats: z80ulm.stats(),
	active: document.activeElement ? document.activeElement.id : "",
	classes: document.documentElement.className,
	width: innerWidth, height: innerHeight,
	bar: document.getElementById("bar").offsetHeight,
	keyrow: (k => k.classList.contains("side") ? 0 : k.offsetHeight)(document.getElementById("keyrow")),
	beside: (k => k.classList.contains("side") ? k.offsetWidth : 0)(document.getElementById("keyrow")),
	about: document.getElementById("about").textContent,
} : {ready: false}`

func (s *session) read() page {
	s.tb.Helper()
	var p page
	s.eval(readPage, &p)
	return p
}

// waitFor polls the page until cond holds.
func (s *session) waitFor(what string, limit time.Duration, cond func(p page) bool) page {
	s.tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		p := s.read()
		if p.Ready && cond(p) {
			return p
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("%s: not after %v; screen:\n%s\nstats: %+v", what, limit, strings.Join(p.Lines, "\n"), p.Stats)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// prompted: the program waits for a line at a "> " prompt.
func prompted(p page) bool {
	return p.Stats.Waiting && p.Stats.PendingInput == 0 && testkit.LastLine(p.Lines) == ">"
}

// atCCP: the bare A> prompt waits.
func atCCP(p page) bool {
	return p.Stats.Program == "" && p.Stats.Waiting && p.Stats.PendingInput == 0 && testkit.LastLine(p.Lines) == "A>"
}

// answer waits for the reply to question q (typed by the caller).
func (s *session) answer(q string) (string, page) {
	s.tb.Helper()
	p := s.waitFor("the answer to "+q, 60*time.Second, func(p page) bool {
		_, ok := testkit.AnswerTo(p.Lines, q)
		return ok && prompted(p)
	})
	a, _ := testkit.AnswerTo(p.Lines, q)
	return a, p
}

// shot takes a screenshot, saves it as out/NAME.png and returns it.
func (s *session) shot(name string) image.Image {
	s.tb.Helper()
	var b []byte
	s.do(chromedp.CaptureScreenshot(&b))
	file := filepath.Join(testkit.OutDir(s.tb), name+".png")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		s.tb.Fatal(err)
	}
	s.tb.Logf("screenshot: %s", file)
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		s.tb.Fatal(err)
	}
	return img
}

// fills checks that the screen is drawn at 90 % or more of the width or
// of the height the page has for it (the window less the header and the
// key row).
func fills(tb testing.TB, p page) {
	tb.Helper()
	availW, availH := p.Width-p.Beside, p.Height-p.Bar-p.KeyRow
	fw, fh := p.Stats.ScreenW/availW, p.Stats.ScreenH/availH
	tb.Logf("screen drawn at %.0fx%.0f in a %.0fx%.0f window (bar %.0f, key row %.0f under, %.0f beside): %.0f %% of the width, %.0f %% of the height",
		p.Stats.ScreenW, p.Stats.ScreenH, p.Width, p.Height, p.Bar, p.KeyRow, p.Beside, 100*fw, 100*fh)
	if fw < 0.9 && fh < 0.9 {
		tb.Errorf("the screen uses %.0f %% of the width and %.0f %% of the height, want 90 %% of one", 100*fw, 100*fh)
	}
}
