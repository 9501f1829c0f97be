package browser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"z80ulm/internal/testkit"
	"z80ulm/tools/serve/site"
)

// clockRun is what one page load measured through stats().
type clockRun struct {
	toPrompt float64   // ms from page load to the first prompt
	rates    []float64 // stats().mhz sampled while the program was busy
	missed   uint64    // frames missed while busy
	idleCPU  float64   // % of one core used by chromium while GUESS waits
	busyCPU  float64   // % of one core while it answers
	busy     time.Duration
	charT    uint64 // T-states of the last character, from stats()
}

// measureClock loads the page with query, waits for the GUESS prompt,
// optionally measures the browser's CPU use while GUESS waits, then types
// the seed questions rounds times in one go (the program answers them
// back to back, busy throughout) and samples stats() every 50 ms until it
// waits again.
func measureClock(s *session, query string, rounds int, cpu bool) clockRun {
	b := s.tb
	p := s.open(query)
	if p.Stats.Program != "GUESS" || !prompted(p) {
		b.Fatalf("no GUESS prompt:\n%s", strings.Join(p.Lines, "\n"))
	}
	run := clockRun{toPrompt: p.Stats.PageToPromptMs}
	missed0 := p.Stats.MissedFrames

	proc := chromedp.FromContext(s.ctx).Browser.Process()
	if proc == nil {
		cpu = false
	}
	if cpu {
		// After the cursor has stopped blinking.
		time.Sleep(17 * time.Second)
		c0, _ := cpuTicks(proc.Pid)
		time.Sleep(5 * time.Second)
		c1, _ := cpuTicks(proc.Pid)
		run.idleCPU = float64(c1-c0) / 5
	}

	var text strings.Builder
	for r := 0; r < rounds; r++ {
		for _, qa := range testkit.GuessSeed {
			text.WriteString(qa.Q + "\n")
		}
	}
	var cpu0 uint64
	if cpu {
		cpu0, _ = cpuTicks(proc.Pid)
	}
	start := time.Now()
	js, _ := json.Marshal(text.String())
	s.eval(`z80ulm.type(`+string(js)+`)`, nil)
	var busySince time.Time
	p = s.waitFor("answers", 5*time.Minute, func(p page) bool {
		if prompted(p) && time.Since(start) > 200*time.Millisecond {
			return true
		}
		if !p.Stats.Waiting {
			if busySince.IsZero() {
				busySince = time.Now()
			} else if time.Since(busySince) > 1100*time.Millisecond {
				// The page's meter covers the last second of busy ticks.
				run.rates = append(run.rates, p.Stats.MHz)
			}
		}
		return false
	})
	if !busySince.IsZero() {
		run.busy = time.Since(busySince)
	}
	if cpu {
		c1, _ := cpuTicks(proc.Pid)
		run.busyCPU = float64(c1-cpu0) / time.Since(start).Seconds()
	}
	run.missed = p.Stats.MissedFrames - missed0
	run.charT = p.Stats.LastCharT
	return run
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// BenchmarkBrowserClock measures, in headless chromium through stats(),
// the clock rate the page keeps at 4 MHz and the frames it misses, the
// rate turbo reaches, the time from page load to the first prompt (over
// three loads), the browser's CPU use while GUESS waits and while it
// computes, and the size of the .wasm raw and gzipped. Run it once:
//
//	make bench-web
func BenchmarkBrowserClock(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s := start(b, laptop, 12*time.Minute)
		// The page as a visitor opens it: GUESS with a secret of its
		// choosing (the rate does not depend on the answers).
		real := measureClock(s, "?run=GUESS&turbo=0", 3, true)
		turbo := measureClock(s, "?run=GUESS&turbo=1", 40, false)
		loads := []float64{real.toPrompt, turbo.toPrompt}
		p := s.open("?run=GUESS&turbo=0")
		loads = append(loads, p.Stats.PageToPromptMs)
		b.ReportMetric(median(real.rates), "MHz-realtime")
		b.ReportMetric(float64(real.missed), "missed-frames")
		b.ReportMetric(median(turbo.rates), "MHz-turbo")
		b.ReportMetric(median(loads), "ms-to-prompt")
		b.ReportMetric(real.idleCPU, "%cpu-waiting")
		b.ReportMetric(real.busyCPU, "%cpu-4MHz")
		b.ReportMetric(float64(real.charT), "T/char")
		b.Logf("4 MHz: %d samples over %.1f s busy, median %.3f MHz, %d missed frames; chromium CPU %.1f %% waiting, %.1f %% computing",
			len(real.rates), real.busy.Seconds(), median(real.rates), real.missed, real.idleCPU, real.busyCPU)
		b.Logf("turbo: %d samples over %.1f s busy, median %.2f MHz", len(turbo.rates), turbo.busy.Seconds(), median(turbo.rates))
		b.Logf("page load to first prompt: %.0f ms (loads: %.0f ms)", median(loads), loads)
	}
	wasm, err := os.ReadFile(filepath.Join(builtSite(b), site.WasmName))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(wasm)), "wasm-bytes")
	b.ReportMetric(float64(site.GzipSize(wasm)), "wasm-gzip-bytes")
}
