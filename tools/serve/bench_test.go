package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clockRun is what one page load measured through stats().
type clockRun struct {
	toPrompt float64   // ms from page load to the first prompt
	rates    []float64 // stats().mhz sampled while the program was busy
	missed   uint64    // frames missed while busy
	idleCPU  float64   // % of one core used by chromium while GUESS waits
	busyCPU  float64   // % of one core while it answers
	busy     time.Duration
}

// measureClock loads url, waits for the GUESS prompt, optionally measures
// the browser's CPU use while GUESS waits, then types the seed questions
// rounds times in one go (the program answers them back to back, busy
// throughout) and samples stats() every 50 ms until it waits again.
func measureClock(b *testing.B, ctx context.Context, url string, rounds int, cpu bool) clockRun {
	if err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
		b.Fatal(err)
	}
	p := waitFor(b, ctx, "GUESS prompt", 90*time.Second, func(p page) bool {
		return p.Stats.Program == "GUESS" && prompted(p)
	})
	run := clockRun{toPrompt: p.Stats.PageToPromptMs}
	missed0 := p.Stats.MissedFrames

	proc := chromedp.FromContext(ctx).Browser.Process()
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
		for _, s := range seed {
			text.WriteString(s.q + "\n")
		}
	}
	var cpu0 uint64
	if cpu {
		cpu0, _ = cpuTicks(proc.Pid)
	}
	start := time.Now()
	if err := chromedp.Run(ctx, chromedp.Evaluate(`z80ulm.type(`+jsString(text.String())+`)`, nil)); err != nil {
		b.Fatal(err)
	}
	var busySince time.Time
	p = waitFor(b, ctx, "answers", 5*time.Minute, func(p page) bool {
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
	return run
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
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
// rate turbo reaches, the time from page load to the first prompt, the
// browser's CPU use while GUESS waits and while it computes, and the size
// of the .wasm. Run it once:
//
//	go test -run=^$ -bench=BrowserClock -benchtime=1x ./tools/serve
func BenchmarkBrowserClock(b *testing.B) {
	ctx, base := browser(b)
	ctx, cancel := context.WithTimeout(ctx, 12*time.Minute)
	defer cancel()
	for i := 0; i < b.N; i++ {
		real := measureClock(b, ctx, base, 3, true)
		turbo := measureClock(b, ctx, base+"?turbo=1", 40, false)
		b.ReportMetric(median(real.rates), "MHz-realtime")
		b.ReportMetric(float64(real.missed), "missed-frames")
		b.ReportMetric(median(turbo.rates), "MHz-turbo")
		b.ReportMetric(real.toPrompt, "ms-to-prompt")
		b.ReportMetric(real.idleCPU, "%cpu-waiting")
		b.ReportMetric(real.busyCPU, "%cpu-4MHz")
		b.Logf("4 MHz: %d samples over %.1f s busy, median %.3f MHz, %d missed frames; chromium CPU %.1f %% waiting, %.1f %% computing",
			len(real.rates), real.busy.Seconds(), median(real.rates), real.missed, real.idleCPU, real.busyCPU)
		b.Logf("turbo: %d samples over %.1f s busy, median %.2f MHz", len(turbo.rates), turbo.busy.Seconds(), median(turbo.rates))
	}
	wasm, err := os.ReadFile(filepath.Join(builtSite(b), wasmName))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(wasm)), "wasm-bytes")
	b.ReportMetric(float64(gzipSize(wasm)), "wasm-gzip-bytes")
}
