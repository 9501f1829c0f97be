package browser

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// download does what starts a download (a click) and returns the
// downloaded file's bytes (kept in dir).
func download(s *session, dir string, actions ...chromedp.Action) []byte {
	s.tb.Helper()
	done := make(chan string, 1)
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	})
	s.do(browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(dir).WithEventsEnabled(true))
	s.do(actions...)
	select {
	case guid := <-done:
		b, err := os.ReadFile(filepath.Join(dir, guid))
		if err != nil {
			s.tb.Fatal(err)
		}
		return b
	case <-time.After(30 * time.Second):
		s.tb.Fatal("no download after 30 s")
	}
	return nil
}
