package browser

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"z80ulm/internal/testkit"
)

// The share link opens the same program at the same clock in a browser
// that has never seen the page; the page remembers the last program and
// settings for the next visit.
func TestShareLink(t *testing.T) {
	a := start(t, laptop, 3*time.Minute)
	p := a.open("?run=CHAT&turbo=1")
	if p.Stats.Program != "CHAT" || !p.Stats.Turbo {
		t.Fatalf("?run=CHAT&turbo=1 gave program %q turbo %v", p.Stats.Program, p.Stats.Turbo)
	}
	var url string
	a.do(chromedp.Click("#share-button", chromedp.ByID), chromedp.Value("#share-url", &url, chromedp.ByID),
		chromedp.Click("#share .close", chromedp.ByQuery))
	t.Logf("share link: %s", url)
	if !strings.Contains(url, "run=CHAT") || !strings.Contains(url, "turbo=1") || !strings.HasPrefix(url, a.base) {
		t.Fatalf("share link %q: want this page with run=CHAT and turbo=1", url)
	}

	// Someone else opens it: a fresh browser, whose page remembers
	// something else.
	b := start(t, laptop, 3*time.Minute)
	b.open("?run=&turbo=0")
	b.do(chromedp.Navigate(url))
	p = b.waitFor("the shared program", 60*time.Second, func(p page) bool { return p.Stats.Program == "CHAT" && prompted(p) })
	if !p.Stats.Turbo {
		t.Errorf("the shared link opened without turbo")
	}

	// The first browser comes back to the bare page: the last program and
	// the clock are remembered. Quitting CHAT and running GUESS makes
	// GUESS the last program.
	hello := testkit.ChatSeed[0]
	a.do(chromedp.KeyEvent(hello.Q + "\r"))
	if got, _ := a.answer(hello.Q); got != hello.A {
		t.Errorf("CHAT answered %q to %q, want %q", got, hello.Q, hello.A)
	}
	a.do(chromedp.KeyEvent("!\r"))
	a.waitFor("A> after CHAT", 20*time.Second, atCCP)
	a.do(chromedp.KeyEvent("guess\r"))
	a.waitFor("GUESS", 60*time.Second, func(p page) bool { return p.Stats.Program == "GUESS" && prompted(p) })
	time.Sleep(1200 * time.Millisecond) // the page remembers twice a second
	a.do(chromedp.Navigate(a.base))
	p = a.waitFor("the remembered program", 60*time.Second, func(p page) bool { return p.Stats.Program != "" && prompted(p) })
	if p.Stats.Program != "GUESS" || !p.Stats.Turbo {
		t.Errorf("the bare page opened %q turbo %v, want the remembered GUESS with turbo", p.Stats.Program, p.Stats.Turbo)
	}
	a.noErrors()
	b.noErrors()
}
