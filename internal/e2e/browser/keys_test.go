package browser

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"z80ulm/internal/testkit"
)

// The keys of issue 12, as a keyboard sends them: Home, End, Delete and the
// arrows edit the line being typed, Esc clears it (never ^[ in a
// question), characters outside ASCII are transliterated (é) or ignored
// visibly (€), F2 toggles turbo, Ctrl+C at an empty prompt of a program
// drops to A>.
func TestKeys(t *testing.T) {
	s := start(t, laptop, 3*time.Minute)
	p := s.openAtCCP("?run=&turbo=1")
	listing := func(p page) bool { return atCCP(p) && strings.Contains(strings.Join(p.Lines, "\n"), "GUESS") }

	// A paste lands in the console queue, its line end as Enter.
	s.eval(`(() => { const dt = new DataTransfer(); dt.setData("text/plain", "dir\n");
		document.getElementById("kbd").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true})); })()`, nil)
	s.waitFor("DIR after a paste", 20*time.Second, listing)
	s.do(chromedp.KeyEvent("\r")) // a fresh prompt for what follows
	s.waitFor("A>", 10*time.Second, atCCP)

	// "xdir", Home, Delete, End, Enter: the CCP runs DIR.
	s.do(chromedp.KeyEvent("xdir"), chromedp.KeyEvent(kb.Home), chromedp.KeyEvent(kb.Delete), chromedp.KeyEvent(kb.End), chromedp.KeyEvent("\r"))
	p = s.waitFor("DIR after Home, Delete, End", 20*time.Second, listing)
	if !strings.Contains(strings.Join(p.Lines, "\n"), "A>dir") {
		t.Errorf("the edited line is not A>dir:\n%s", strings.Join(p.Lines, "\n"))
	}
	// Esc clears a half-typed line.
	s.do(chromedp.KeyEvent("nonsense"), chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(strings.ToLower(testkit.GuessElephant)+"\r"))
	p = s.waitFor("GUESS after Esc", 60*time.Second, func(p page) bool { return p.Stats.Program == "GUESS" && prompted(p) })

	// é is typed as e; Left and Right move inside the line and send
	// nothing.
	s.do(chromedp.KeyEvent("is it gr"), chromedp.KeyEvent("é"), chromedp.KeyEvent("y"),
		chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight),
		chromedp.KeyEvent("\r"))
	if got, _ := s.answer("is it grey"); got != "MAYBE" {
		t.Errorf("is it gr\u00e9y with the arrows: %q, want MAYBE", got)
	}
	// Up brings the last line back.
	s.do(chromedp.KeyEvent("is it"), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent("\r"))
	p = s.waitFor("the line brought back", 30*time.Second, func(p page) bool {
		return prompted(p) && strings.Count(strings.Join(p.Lines, "\n"), "> is it grey") == 2
	})
	// € has no ASCII form: ignored, and the status line says so.
	s.do(chromedp.KeyEvent("€"))
	p = s.waitFor("the notice for €", 5*time.Second, func(p page) bool { return strings.Contains(p.Stats.Notice, "U+20AC") })
	text := strings.Join(p.Lines, "\n")
	for _, junk := range []string{"^[", "[A", "[D", "\x1b"} {
		if strings.Contains(text, junk) {
			t.Errorf("the screen shows %q:\n%s", junk, text)
		}
	}

	// F2: turbo off and on again.
	s.do(chromedp.KeyEvent(kb.F2))
	s.waitFor("turbo off", 5*time.Second, func(p page) bool { return !p.Stats.Turbo })
	s.do(chromedp.KeyEvent(kb.F2))
	s.waitFor("turbo on", 5*time.Second, func(p page) bool { return p.Stats.Turbo })

	// Ctrl+C at the empty prompt: the machine says what it does and the
	// A> prompt comes back.
	s.do(chromedp.KeyEvent("c", chromedp.KeyModifiers(input.ModifierCtrl)))
	p = s.waitFor("A> after Ctrl+C", 20*time.Second, atCCP)
	if !strings.Contains(strings.Join(p.Lines, "\n"), "program stopped") {
		t.Errorf("Ctrl+C did not say what it does before A>:\n%s", strings.Join(p.Lines, "\n"))
	}
	s.noErrors()
}
