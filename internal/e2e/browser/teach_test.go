package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"z80ulm/assets"
	"z80ulm/emu"
	"z80ulm/internal/testkit"
	"z80ulm/model"
	"z80ulm/tools/teach/lesson"
)

// The teach panel (docs/DESIGN.md, "Teaching a new secret") in headless
// chromium: ?teach opens it (so does the page's Teach button); GIRAFFE, a
// sheet of our own, goes in as text; bad sheets are refused naming their
// line and a cancelled lesson leaves drive A: as it was; then a small lesson (2,000 lines, one epoch, to keep
// this test short: make bench-teach runs the full one) trains in the
// worker while the screen runs, GIRAFFE.MDL lands on drive A:, GUESS
// @GIRAFFE starts and answers as the model does, and the downloaded .COM
// and .MDL are the bytes tools/teach makes for the same sheet and plan,
// the .COM answering the same in emu.
func TestTeach(t *testing.T) {
	s := start(t, laptop, 12*time.Minute)
	sheet := giraffeSheet(t)
	s.openAtCCP("?run=&teach&teachlines=2000&teachepochs=1")
	var open bool
	s.eval(`!document.getElementById("teach").hidden`, &open)
	if !open {
		t.Fatal("?teach did not open the teach panel")
	}
	// The page's own button closes it and opens it again.
	s.do(chromedp.Click("#teach .close", chromedp.ByQuery))
	s.eval(`!document.getElementById("teach").hidden`, &open)
	if open {
		t.Fatal("the teach panel's close button left it open")
	}
	s.do(chromedp.Click("#teach-button", chromedp.ByID))
	s.eval(`!document.getElementById("teach").hidden`, &open)
	if !open {
		t.Fatal("the Teach button did not open the teach panel")
	}
	before := driveA(s)

	// The form: a category fills the bank's answers in the sheet's text,
	// which the browser keeps.
	setSheet(s, "")
	waitText(s, "#t-category", 3*time.Minute, func(text string) bool { return strings.Contains(text, "animal") })
	s.do(chromedp.SetValue("#t-secret", "OKAPI", chromedp.ByID), chromedp.SetValue("#t-category", "animal", chromedp.ByID))
	s.eval(`document.getElementById("t-category").dispatchEvent(new Event("change", {bubbles: true}))`, nil)
	var text, kept string
	s.eval(`document.getElementById("t-sheet").value`, &text)
	s.eval(`localStorage.getItem("z80ulm.teach.sheet")`, &kept)
	if !strings.Contains(text, "category: animal\n") || !strings.Contains(text, "\nYES: ") || !strings.Contains(text, "\nNO: ") || kept != text {
		t.Errorf("after picking animal the sheet reads %q, the browser keeps %q", text, kept)
	}

	// The shelf the worker embeds: the bank's attributes here, the same
	// lesson natively below.
	shelf, err := lesson.ShippedShelf(assets.Shelf)
	if err != nil {
		t.Fatal(err)
	}
	var attrs []string
	for _, a := range shelf.Bank.Attributes {
		attrs = append(attrs, a.Name)
	}

	// Bad sheets: the message names the line; nothing lands on A:.
	for _, c := range []struct{ name, sheet, want string }{
		{"no name", strings.Replace(sheet, "secret: GIRAFFE\n", "", 1), `sheet:1: no "secret: NAME" line`},
		{"a bank word as a name", strings.Replace(sheet, "names: giraffe |", "names: giraffe | bird |", 1), `"is it a bird"`},
		{"too small", "secret: NOTHING\ncategory: object\nnames: nothing\nMAYBE: " + strings.Join(attrs, " | ") + "\n", "sheet: too little to train on"},
		{"contradictory lines", sheet + "is it the tallest animal in the world|NO\n", `sheet:67: "is it the tallest animal in the world"`},
		{"a shipped secret's name", strings.Replace(sheet, "secret: GIRAFFE", "secret: CAT", 1), "secret CAT is one of GUESS's own secrets"},
	} {
		setSheet(s, c.sheet)
		s.do(chromedp.Click("#t-train", chromedp.ByID))
		got := waitText(s, "#t-problems", 3*time.Minute, func(text string) bool { return text != "" })
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: the panel says %q, want %q", c.name, got, c.want)
		}
	}

	// Cancel, pressed while the lines are generated: the lesson stops at
	// the latest before its first training step; nothing lands on A:.
	setSheet(s, strings.Replace(sheet, "secret: GIRAFFE", "secret: OKAPI", 1))
	s.do(chromedp.Click("#t-train", chromedp.ByID))
	waitText(s, "#t-status", time.Minute, func(text string) bool { return strings.HasPrefix(text, "generating") })
	s.do(chromedp.Click("#t-cancel", chromedp.ByID))
	waitText(s, "#t-status", time.Minute, func(text string) bool { return strings.HasPrefix(text, "cancelled") })
	if after := driveA(s); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("drive A: changed: %v, then %v", before, after)
	}

	// The lesson, while the screen runs.
	setSheet(s, sheet)
	waitText(s, "#t-count", 3*time.Minute, func(text string) bool { return strings.Contains(text, "training lines") })
	start := time.Now()
	s.do(chromedp.Click("#t-train", chromedp.ByID))
	sawProgress := false
	var fps []float64
	logged, shot := time.Now(), false
	s.waitFor("GUESS @GIRAFFE", 8*time.Minute, func(p page) bool {
		st := panelState(s)
		sawProgress = sawProgress || strings.Contains(st.Status, "% ")
		fps = append(fps, p.Stats.FPS)
		if !shot && strings.Contains(st.Status, "% ") {
			shot = true
			s.shot("browser-teach-training") // the panel while it trains
		}
		if time.Since(logged) > 10*time.Second {
			logged = time.Now()
			t.Logf("%.0f s: %+v, %.1f fps, %.1f ticks/s", time.Since(start).Seconds(), st, p.Stats.FPS, p.Stats.TPS)
		}
		return p.Stats.Program == "GUESS" && prompted(p) && strings.Contains(strings.Join(p.Lines, "\n"), "A>GUESS @GIRAFFE")
	})
	t.Logf("Train to the first prompt of GUESS @GIRAFFE: %.1f s (small plan); the page drew %.0f frames a second (median; make bench-teach measures the clock)", time.Since(start).Seconds(), median(fps))
	if !sawProgress {
		t.Error("no progress shown while training")
	}

	if _, ok := driveA(s)["GIRAFFE.MDL"]; !ok {
		t.Fatalf("no GIRAFFE.MDL on drive A: %v", driveA(s))
	}

	// The same lesson natively: the same bytes.
	plan := lesson.DefaultPlan()
	plan.Lines, plan.Epochs = 2000, 1
	native, err := lesson.Teach(context.Background(), shelf, sheet, "sheet", plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ints []int
	s.eval(`Array.from(z80ulm.readFile("GIRAFFE.MDL"))`, &ints)
	mdl := make([]byte, len(ints))
	for i, v := range ints {
		mdl[i] = byte(v)
	}
	if string(mdl) != string(native.MDL) {
		t.Errorf("GIRAFFE.MDL from the browser (%d bytes) differs from tools/teach's (%d bytes)", len(mdl), len(native.MDL))
	}

	// GUESS @GIRAFFE answers as the model; so does the downloaded .COM.
	questions := []string{"is it alive", "does it have a long neck", "can it fly", "is it a fish", "giraffe"}
	for _, q := range questions {
		s.do(chromedp.KeyEvent(q + "\r"))
		got, _ := s.answer(q)
		if want := native.Model.Generate(q); got != want {
			t.Errorf("GUESS @GIRAFFE, %q: %q, the model says %q", q, got, want)
		}
	}
	com := teachDownload(s, "#t-dl-com", t.TempDir())
	if string(com) != string(native.COM) {
		t.Errorf("the downloaded GIRAFFE.COM (%d bytes) differs from tools/teach's (%d bytes)", len(com), len(native.COM))
	}
	for _, q := range questions {
		res, err := emu.RunCOM(com, emu.RunOptions{Tail: " " + strings.ToUpper(q), MaxTStates: 3e8})
		if err != nil || res.Fault != nil {
			t.Fatalf("GIRAFFE %s: %v %v", q, err, res.Fault)
		}
		if got, want := strings.TrimSpace(string(res.Output)), native.Model.Generate(q); got != want {
			t.Errorf("the downloaded .COM in emu, %q: %q, the model says %q", q, got, want)
		}
	}
	if dl := teachDownload(s, "#t-dl-mdl", t.TempDir()); string(dl) != string(native.MDL) {
		t.Errorf("the downloaded GIRAFFE.MDL differs from the one on drive A:")
	}
	s.noErrors()
}

func giraffeSheet(tb testing.TB) string {
	b, err := os.ReadFile(filepath.Join(testkit.Root(tb), "tools/teach/testdata/GIRAFFE.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// panelText is what the teach panel says.
type panelText struct{ Status, Count, Problems string }

func panelState(s *session) panelText {
	var p panelText
	s.eval(`({Status: document.getElementById("t-status").textContent, Count: document.getElementById("t-count").textContent,
		Problems: document.getElementById("t-problems").textContent})`, &p)
	return p
}

// setSheet puts text in the panel's sheet box, as a paste does.
func setSheet(s *session, text string) {
	js, _ := json.Marshal(text)
	s.eval(`(() => { const t = document.getElementById("t-sheet"); t.value = `+string(js)+`;
		t.dispatchEvent(new Event("input", {bubbles: true})); })()`, nil)
}

// waitText polls an element's text until ok holds and returns it.
func waitText(s *session, sel string, limit time.Duration, ok func(string) bool) string {
	s.tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		var text string
		s.eval(`document.querySelector(`+fmt.Sprintf("%q", sel)+`).textContent`, &text)
		if ok(text) {
			return text
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("%s: %q, not what was awaited after %v", sel, text, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// driveA is drive A:'s files and sizes.
func driveA(s *session) map[string]int {
	var files []struct {
		Name string `json:"name"`
		Size int    `json:"size"`
	}
	s.eval(`z80ulm.files()`, &files)
	m := map[string]int{}
	for _, f := range files {
		m[f.Name] = f.Size
	}
	return m
}

// teachDownload downloads a result of the teach panel (its button's id).
func teachDownload(s *session, button, dir string) []byte {
	s.tb.Helper()
	s.eval(`document.getElementById("teach").hidden = false`, nil)
	return download(s, dir, chromedp.Click(button, chromedp.ByQuery))
}

// BenchmarkTeach measures teaching GIRAFFE with the full default plan, in
// headless chromium and natively: the wall time from pressing Train to the
// first prompt of GUESS @GIRAFFE, the clock the CP/M screen keeps while
// GUESS answers questions during the training (stats().mhz, sampled while
// the Z80 is busy) and the frame rate, and the new secret's accuracy on
// its far held-out questions (written before the sheet), asked of the
// downloaded .COM in emu. Run it once:
//
//	make bench-teach
func BenchmarkTeach(b *testing.B) {
	sheet := giraffeSheet(b)
	heldout, problems := model.ReadPairFiles(filepath.Join(testkit.Root(b), "tools/teach/testdata/GIRAFFE-heldout.txt"))
	if len(problems) > 0 {
		b.Fatal(model.JoinProblems(problems))
	}
	for i := 0; i < b.N; i++ {
		// Natively, as tools/teach runs it.
		shelf, err := lesson.ShippedShelf(assets.Shelf)
		if err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		native, err := lesson.Teach(context.Background(), shelf, sheet, "sheet", lesson.DefaultPlan(), nil)
		if err != nil {
			b.Fatal(err)
		}
		nativeSecs := time.Since(began).Seconds()

		s := start(b, laptop, 40*time.Minute)
		s.open("?run=" + testkit.GuessElephant + "&teach")
		setSheet(s, sheet)
		waitText(s, "#t-count", 5*time.Minute, func(text string) bool { return strings.Contains(text, "training lines") })

		// The clock and the frames while GUESS answers questions, first
		// for 20 s before training (what this host keeps anyway), then
		// from pressing Train to the first prompt of GUESS @GIRAFFE.
		asked := 0
		var before, rates, fps, fpsBefore []float64
		sample := func(p page, mhz, frames *[]float64) {
			if prompted(p) && !strings.Contains(strings.Join(p.Lines, "\n"), "@GIRAFFE") {
				q := testkit.GuessSeed[asked%len(testkit.GuessSeed)].Q // keep the Z80 busy
				asked++
				s.eval(`z80ulm.type(`+fmt.Sprintf("%q", q+"\n")+`)`, nil)
			}
			if !p.Stats.Waiting && p.Stats.MHz > 0 {
				*mhz = append(*mhz, p.Stats.MHz)
			}
			*frames = append(*frames, p.Stats.FPS)
			time.Sleep(200 * time.Millisecond)
		}
		until := time.Now().Add(20 * time.Second)
		s.waitFor("20 s of GUESS", time.Minute, func(p page) bool {
			sample(p, &before, &fpsBefore)
			return time.Now().After(until) && prompted(p)
		})
		start := time.Now()
		s.do(chromedp.Click("#t-train", chromedp.ByID))
		s.waitFor("GUESS @GIRAFFE", 35*time.Minute, func(p page) bool {
			if p.Stats.Program == "GUESS" && strings.Contains(strings.Join(p.Lines, "\n"), "A>GUESS @GIRAFFE") && prompted(p) {
				return true
			}
			sample(p, &rates, &fps)
			return false
		})
		browserSecs := time.Since(start).Seconds()
		// The far questions go to the downloaded standalone .COM, or, when
		// the lesson made none (too long for a CCP to load), to GUESS.COM
		// with the downloaded .MDL.
		mdl := teachDownload(s, "#t-dl-mdl", b.TempDir())
		if string(mdl) != string(native.MDL) {
			b.Errorf("the browser's GIRAFFE.MDL differs from tools/teach's")
		}
		com, tail, via := native.COM, " ", "the downloaded .COM"
		var disk fstest.MapFS
		if native.COM == nil {
			b.Logf("%s", native.NoCOM)
			com, err = os.ReadFile(filepath.Join(testkit.Root(b), "assets/GUESS.COM"))
			if err != nil {
				b.Fatal(err)
			}
			tail, via = " @GIRAFFE ", "GUESS.COM with the downloaded .MDL"
			disk = fstest.MapFS{"GIRAFFE.MDL": &fstest.MapFile{Data: mdl}}
		} else if dl := teachDownload(s, "#t-dl-com", b.TempDir()); string(dl) != string(native.COM) {
			b.Errorf("the browser's GIRAFFE.COM differs from tools/teach's")
		}
		good := 0
		for _, h := range heldout {
			res, err := emu.RunCOM(com, emu.RunOptions{Tail: tail + strings.ToUpper(h.Input), Files: disk, MaxTStates: 3e8})
			if err != nil || res.Fault != nil {
				b.Fatalf("%s: %v %v", h.Input, err, res.Fault)
			}
			if strings.TrimSpace(string(res.Output)) == h.Response {
				good++
			}
		}
		acc := 100 * float64(good) / float64(len(heldout))
		b.ReportMetric(browserSecs, "s-train-to-prompt")
		b.ReportMetric(nativeSecs, "s-native")
		b.ReportMetric(median(rates), "MHz-while-training")
		b.ReportMetric(median(fps), "fps-while-training")
		b.ReportMetric(median(before), "MHz-before")
		b.ReportMetric(median(fpsBefore), "fps-before")
		b.ReportMetric(acc, "%far-heldout")
		b.Logf("browser: Train to the GUESS @GIRAFFE prompt %.1f s; while training %d busy samples, median %.3f MHz (min %.3f), median %.1f fps; before training %.3f MHz, %.1f fps; %d seed questions asked",
			browserSecs, len(rates), median(rates), minOf(rates), median(fps), median(before), median(fpsBefore), asked)
		b.Logf("native (tools/teach's lesson): %.1f s; same bytes as the browser: %v", nativeSecs, string(mdl) == string(native.MDL))
		b.Logf("GIRAFFE far held-out: %d/%d = %.1f %% (%s in emu); from %s's model, %d of %d lines, %d epochs, dev %.1f %%",
			good, len(heldout), acc, via, native.Base, native.Lines, native.Generated, native.Epochs, native.DevAcc)
	}
}

func minOf(xs []float64) float64 {
	m := 0.0
	for i, x := range xs {
		if i == 0 || x < m {
			m = x
		}
	}
	return m
}
