package browser

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"z80ulm/game/screen"
	"z80ulm/internal/testkit"
)

// On a 1280x800 laptop: GUESS answers the seed transcript typed as key
// events at 4.00 MHz, the screen fills the window, the page explains the
// program, a click in the margin keeps the next line, a lost focus shows,
// and the screenshot reads the same as screenText().
func TestLaptop(t *testing.T) {
	s := start(t, laptop, 4*time.Minute)
	p := s.open("?run=" + url.QueryEscape(testkit.GuessElephant))
	if !prompted(p) || p.Stats.Program != "GUESS" {
		t.Fatalf("no GUESS prompt:\n%s", strings.Join(p.Lines, "\n"))
	}
	if len(p.Lines) != screen.Rows {
		t.Fatalf("screenText() has %d lines, want %d", len(p.Lines), screen.Rows)
	}
	if !strings.Contains(p.Lines[0], "CP/M") || !strings.HasPrefix(p.Lines[1], "A>GUESS") {
		t.Errorf("no sign-on and A>GUESS at the top:\n%s", strings.Join(p.Lines, "\n"))
	}
	t.Logf("first prompt %.0f ms after the page began loading", p.Stats.PageToPromptMs)
	p = s.waitFor("the header on GUESS", 5*time.Second, func(p page) bool { return strings.Contains(p.About, "GUESS") })
	if p.Active != "kbd" || !p.Stats.Focused || strings.Contains(p.Classes, "touch") {
		t.Errorf("focus on %q (focused %v), classes %q: want the keyboard box focused, no touch", p.Active, p.Stats.Focused, p.Classes)
	}
	if !strings.Contains(p.About, "yes/no questions") || !strings.Contains(p.About, "? gives up") {
		t.Errorf("the header does not explain GUESS: %q", p.About)
	}
	fills(t, p)

	// The seed transcript, as key presses; while the Z80 computes a
	// reply, the status line's thinking cue turns.
	cued, fit := false, false // fit: a screenshot fell wholly inside a reply
	for i, qa := range testkit.GuessSeed {
		if i == 2 {
			// A click in the margin beside the screen, then the next line.
			x := (p.Width - p.Stats.ScreenW) / 4
			if x < 2 {
				x = p.Width / 2 // no side margin: below the screen
			}
			s.do(chromedp.MouseClickXY(x, p.Height-3))
		}
		start := time.Now()
		s.do(chromedp.KeyEvent(qa.Q + "\r"))
		if !cued {
			cued, fit = s.thinkingCue(fit)
		}
		got, q := s.answer(qa.Q)
		p = q
		t.Logf("> %-22s %-6s (%.1f s, %.2f MHz, %d T/char)", qa.Q, got, time.Since(start).Seconds(), p.Stats.MHz, p.Stats.LastCharT)
		if got != qa.A {
			t.Errorf("%q: answer %q, want %q", qa.Q, got, qa.A)
		}
	}
	// The rate measured over the last busy second: 4.00, unless the host
	// could not run what the clock owed (the page then says SLOW, and the
	// rate is what it could do); never faster.
	switch {
	case p.Stats.MHz > 4.1:
		t.Errorf("achieved %.3f MHz while answering, faster than the 4 MHz clock", p.Stats.MHz)
	case p.Stats.Slow:
		t.Logf("this host could not keep the clock: %.3f MHz (machine too loaded to check 4.00)", p.Stats.MHz)
	case p.Stats.MHz < 3.9:
		t.Errorf("achieved %.3f MHz while answering, want 4.00", p.Stats.MHz)
	}
	if p.Stats.LastCharT == 0 {
		t.Errorf("no T-states per character in stats()")
	}

	// The pixels say the same as screenText(), the status line included.
	img := s.shot("browser-laptop")
	seen, err := testkit.Decode(img)
	if err != nil {
		t.Fatalf("reading the screenshot: %v", err)
	}
	for _, qa := range testkit.GuessSeed {
		if got, ok := testkit.AnswerTo(seen[:screen.Rows], qa.Q); !ok || got != qa.A {
			t.Errorf("screenshot: answer to %q reads %q, want %q; screenshot reads:\n%s", qa.Q, got, qa.A, strings.Join(seen, "\n"))
			break
		}
	}
	status := seen[screen.Rows]
	if !strings.Contains(status, "MHz") || !strings.Contains(status, "GUESS") || !strings.Contains(status, "T/char") || !strings.Contains(status, "F2 turbo") || strings.Contains(status, "F11") {
		t.Errorf("status line reads %q", status)
	}

	// Focus lost: the page says so; a click anywhere brings it back.
	s.eval(`document.getElementById("kbd").blur()`, nil)
	p = s.waitFor("the focus gone", 5*time.Second, func(p page) bool { return !p.Stats.Focused })
	if !strings.Contains(p.Classes, "unfocused") {
		t.Errorf("no hint on the page when the focus is lost (classes %q)", p.Classes)
	}
	time.Sleep(300 * time.Millisecond) // the status line changes at most 4 times a second
	if seen, err := testkit.Decode(s.shot("browser-laptop-unfocused")); err != nil || !strings.Contains(seen[screen.Rows], "click the screen to type") {
		t.Errorf("status line without the focus reads %q (%v)", seen[screen.Rows], err)
	}
	s.do(chromedp.MouseClickXY(p.Width/2, p.Bar+p.Stats.ScreenH/2))
	s.waitFor("the focus back", 5*time.Second, func(p page) bool { return p.Stats.Focused && p.Active == "kbd" })

	// A loaded host may take a screenshot only after a short reply: four
	// questions typed at once keep the Z80 computing four times as long,
	// until the cue is seen (the transcript above is checked already).
	for i := 0; !cued && i < 6; i++ {
		s.do(chromedp.KeyEvent(strings.Repeat("does it have a trunk\r", 4)))
		cued, fit = s.thinkingCue(fit)
		s.answer("does it have a trunk")
	}
	switch {
	case cued:
	case fit:
		t.Errorf("no thinking cue on the status line while the Z80 computed")
	default:
		t.Logf("every screenshot ended after its reply: this host is too loaded to check the thinking cue (game/screen's tests check the status line)")
	}
	s.noErrors()
}

// thinkingCue waits for the machine to compute and reads the status line
// off screenshots while it does: cued once it shows the turning cue. A
// loaded host may see the reply done before it sees the machine computing,
// or finish a screenshot only after the reply; fit says whether a
// screenshot (this time or before) fell wholly inside a reply, so that the
// cue had to be in it.
func (s *session) thinkingCue(fit bool) (cued, fitted bool) {
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		p := s.read()
		if p.Ready && p.Stats.Computing {
			break
		}
		if p.Ready && prompted(p) || time.Now().After(deadline) {
			return false, fit // the reply came and went between two looks
		}
	}
	for s.read().Stats.Computing {
		seen, err := testkit.Decode(s.shot("browser-laptop-thinking"))
		if err != nil {
			s.tb.Fatal(err)
		}
		if status := seen[screen.Rows]; strings.ContainsRune(`|/-\`, rune(status[1])) {
			return true, true
		}
		if s.read().Stats.Computing {
			fit = true // computing before the screenshot and after it
		}
	}
	return false, fit
}

// On a phone (390x844, touch): the page is a touch page with the key row
// and no F-keys, the screen uses the whole width, a tap on the screen
// focuses the text box, text typed the way a phone keyboard types it and
// Enter reach GUESS, and the answer appears.
func TestPhone(t *testing.T) {
	s := start(t, phone, 4*time.Minute)
	p := s.open("?run=" + url.QueryEscape(testkit.GuessElephant) + "&turbo=1")
	if !strings.Contains(p.Classes, "touch") || p.KeyRow == 0 {
		t.Fatalf("not a touch page: classes %q, key row %.0f px high", p.Classes, p.KeyRow)
	}
	if p.Stats.Focused {
		t.Errorf("focused before any tap: the keyboard is not up, the page must say how to type")
	}
	fills(t, p)
	if p.Stats.ScreenW < 0.99*p.Width {
		t.Errorf("the screen is %.0f px wide in a %.0f px portrait window: want the whole width", p.Stats.ScreenW, p.Width)
	}
	if p.Bar > 40 {
		t.Errorf("the header is %.0f px high: want one line", p.Bar)
	}
	var pageText string
	s.eval(`document.getElementById("bar").innerText + document.getElementById("keyrow").innerText`, &pageText)
	if strings.Contains(pageText, "F2") || strings.Contains(pageText, "F11") {
		t.Errorf("a phone is told about F-keys: %q", pageText)
	}

	// A tap on the screen.
	tap := func(x, y float64) {
		pt := []*input.TouchPoint{{X: x, Y: y}}
		s.do(input.DispatchTouchEvent(input.TouchStart, pt), input.DispatchTouchEvent(input.TouchEnd, []*input.TouchPoint{}))
	}
	tap(p.Width/2, p.Bar+p.Stats.ScreenH/2)
	p = s.waitFor("the text box focused by a tap", 5*time.Second, func(p page) bool { return p.Active == "kbd" && p.Stats.Focused })

	// A phone keyboard commits text (an input event), then sends Enter.
	for _, qa := range testkit.GuessSeed[:2] {
		s.do(input.InsertText(qa.Q), chromedp.KeyEvent("\r"))
		got, _ := s.answer(qa.Q)
		if got != qa.A {
			t.Errorf("%q: answer %q, want %q", qa.Q, got, qa.A)
		}
	}
	// Taking a letter back (the keyboard's backspace arrives as a change
	// of the text box) edits the line.
	s.do(input.InsertText("is it greyy"))
	s.eval(`(() => { const k = document.getElementById("kbd"); k.value = k.value.slice(0, -1);
		k.dispatchEvent(new InputEvent("input", {inputType: "deleteContentBackward"})); })()`, nil)
	s.do(chromedp.KeyEvent("\r"))
	if got, _ := s.answer("is it grey"); got != "MAYBE" {
		t.Errorf("is it grey (typed with a slip, then corrected): %q, want MAYBE", got)
	}

	// The give-up key of the key row.
	var rect struct{ X, Y float64 }
	s.eval(`(() => { const r = document.getElementById("giveup").getBoundingClientRect(); return {x: r.x + r.width/2, y: r.y + r.height/2}; })()`, &rect)
	tap(rect.X, rect.Y)
	p = s.waitFor("the reply to ?", 30*time.Second, func(p page) bool {
		_, ok := testkit.AnswerTo(p.Lines, "?")
		return ok && prompted(p)
	})
	if p.Active != "kbd" {
		t.Errorf("the key row took the focus (now on %q): a phone would close its keyboard", p.Active)
	}
	img := s.shot("browser-phone")
	if seen, err := testkit.Decode(img); err != nil {
		t.Errorf("reading the phone's screenshot: %v", err)
	} else if got, _ := testkit.AnswerTo(seen[:screen.Rows], "is it alive"); got != "YES" {
		t.Errorf("phone screenshot reads %q for is it alive:\n%s", got, strings.Join(seen, "\n"))
	}
	// Landscape: the screen fills the height it has.
	s.do(chromedp.EmulateViewport(phone.height, phone.width, chromedp.EmulateScale(phone.scale), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateLandscape))
	p = s.waitFor("the landscape layout", 5*time.Second, func(p page) bool { return p.Width == float64(phone.height) && p.Stats.ScreenW > 0 })
	time.Sleep(200 * time.Millisecond)
	fills(t, s.read())
	s.shot("browser-phone-landscape")
	s.noErrors()
}

// Any window: the screen fills 90 % of the width or the height it has, at
// whole and fractional scales and on a high-DPI display, and reads back
// pixel for pixel (nearest-neighbour scaling does not blur the font).
func TestSizes(t *testing.T) {
	s := start(t, laptop, 3*time.Minute)
	s.open("?run=&turbo=1")
	for _, size := range []struct {
		w, h  int64
		scale float64
	}{{800, 600, 1}, {1366, 768, 1}, {1920, 1080, 1}, {1280, 800, 2}, {1024, 1366, 2}} {
		s.do(chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateScale(size.scale)))
		p := s.waitFor("the page at the new size", 10*time.Second, func(p page) bool {
			return p.Width == float64(size.w) && p.Stats.ScreenW > 0 && p.Stats.ScreenW <= p.Width
		})
		time.Sleep(300 * time.Millisecond) // the next frame
		p = s.read()
		fills(t, p)
		seen, err := testkit.Decode(s.shot(fmt.Sprintf("browser-%dx%d@%g", size.w, size.h, size.scale)))
		if err != nil {
			t.Errorf("%dx%d@%g: reading the screenshot: %v", size.w, size.h, size.scale, err)
			continue
		}
		if !strings.HasPrefix(seen[0], "64K CP/M 2.2") || strings.TrimSpace(seen[1]) != "A>" {
			t.Errorf("%dx%d@%g: the screenshot reads:\n%s", size.w, size.h, size.scale, strings.Join(seen, "\n"))
		}
	}
	s.noErrors()
}
