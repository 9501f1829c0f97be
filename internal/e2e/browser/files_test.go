package browser

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"z80ulm/tools/asm"
)

// helloCOM is a CP/M program of our own: it says hello and writes
// HELLO.TXT on drive A: through the BDOS (make, set DMA, write, close).
func helloCOM(t *testing.T) []byte {
	a := asm.New(0x100)
	bdos := func(fn int, de string) {
		a.I("ld de," + de)
		a.I("ld c," + strconv.Itoa(fn))
		a.I("call 5")
	}
	bdos(9, "msg")   // print string
	bdos(19, "fcb")  // delete an old HELLO.TXT
	bdos(22, "fcb")  // make
	bdos(26, "text") // DMA
	bdos(21, "fcb")  // write one record
	bdos(16, "fcb")  // close
	a.I("ret")
	a.Label("msg")
	a.Bytes([]byte("HELLO FROM A DROPPED FILE\r\n$"))
	a.Label("fcb")
	a.Bytes([]byte("\x00HELLO   TXT"))
	a.DS(36 - 12)
	a.Label("text")
	a.Bytes([]byte(helloText))
	a.DS(128 - len(helloText))
	b, err := a.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const helloText = "WRITTEN ON DRIVE A:\r\n\x1a"

// A .COM of our own dropped on the page lands on A:, DIR lists it and its
// name runs it; after a reload it is still there (IndexedDB), with the
// file it wrote, which downloads; ?com= fetches and runs one from the
// site; the reset button puts the shipped disk back.
func TestDropRunReloadDownload(t *testing.T) {
	s := start(t, laptop, 4*time.Minute)
	com := helloCOM(t)
	s.openAtCCP("?run=&turbo=1")

	// Drop it, as a browser delivers a file dragged from the desktop.
	drop := `(() => {
		const bytes = Uint8Array.from(atob("` + base64.StdEncoding.EncodeToString(com) + `"), c => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], "Hello.com"));
		const target = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
		for (const type of ["dragenter", "dragover", "drop"]) {
			target.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
		}
	})()`
	s.eval(drop, nil)
	s.waitFor("the drop's notice", 10*time.Second, func(p page) bool { return strings.Contains(p.Stats.Notice, "HELLO.COM is on A:") })
	s.do(chromedp.KeyEvent("dir\r"))
	s.waitFor("DIR", 20*time.Second, func(p page) bool { return atCCP(p) && strings.Contains(strings.Join(p.Lines, "\n"), "HELLO") })
	s.do(chromedp.KeyEvent("hello\r"))
	s.waitFor("HELLO's output", 20*time.Second, func(p page) bool {
		return atCCP(p) && strings.Contains(strings.Join(p.Lines, "\n"), "HELLO FROM A DROPPED FILE")
	})

	// The page keeps the drive (twice a second): reload and look.
	saved := func() bool {
		var names []string
		s.do(chromedp.Evaluate(`new Promise((ok) => { const r = indexedDB.open("z80ulm", 1);
			r.onsuccess = () => { const g = r.result.transaction("drive").objectStore("drive").get("A");
				g.onsuccess = () => { r.result.close(); ok(g.result ? g.result.files.map(f => f.name) : []); }; }; })`,
			&names, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		return strings.Contains(strings.Join(names, " "), "HELLO.COM") && strings.Contains(strings.Join(names, " "), "HELLO.TXT")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !saved() {
		if time.Now().After(deadline) {
			t.Fatal("drive A: not saved in IndexedDB after 10 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.open("?run=&turbo=1")
	have := driveA(s)
	if have["HELLO.COM"] != len(com) || have["HELLO.TXT"] != 128 || have["GUESS.COM"] == 0 {
		t.Fatalf("after a reload drive A: holds %v", have)
	}
	s.do(chromedp.KeyEvent("hello\r"))
	s.waitFor("HELLO after the reload", 20*time.Second, func(p page) bool {
		return atCCP(p) && strings.Contains(strings.Join(p.Lines, "\n"), "HELLO FROM A DROPPED FILE")
	})

	// The Files panel's "add files" button picks a file from the host.
	dir := t.TempDir()
	picked := filepath.Join(dir, "Picked.com")
	if err := os.WriteFile(picked, com, 0o644); err != nil {
		t.Fatal(err)
	}
	s.do(chromedp.Click("#files-button", chromedp.ByID), chromedp.SetUploadFiles("#pick", []string{picked}, chromedp.ByID))
	s.waitFor("the picked file", 10*time.Second, func(p page) bool { return strings.Contains(p.Stats.Notice, "PICKED.COM is on A:") })
	var listed string
	s.eval(`document.getElementById("file-list").innerText`, &listed)
	if !strings.Contains(listed, "PICKED.COM") || !strings.Contains(listed, "HELLO.TXT") {
		t.Errorf("the Files panel lists:\n%s", listed)
	}

	// Download HELLO.TXT from the Files panel.
	b := download(s, dir, chromedp.Click(`//tr[td[1][text()="HELLO.TXT"]]//button[text()="download"]`, chromedp.BySearch))
	if len(b) != 128 || !strings.HasPrefix(string(b), helloText) {
		t.Errorf("downloaded HELLO.TXT: %d bytes %q", len(b), b[:min(len(b), 40)])
	}

	// ?com= fetches a program from the site itself and runs it.
	if err := os.MkdirAll(filepath.Join(builtSite(t), "progs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(builtSite(t), "progs", "hi.com"), com, 0o644); err != nil {
		t.Fatal(err)
	}
	s.do(chromedp.Navigate(s.base + "?com=progs/hi.com&turbo=1"))
	s.waitFor("?com= runs HI", 60*time.Second, func(p page) bool {
		return atCCP(p) && strings.Contains(strings.Join(p.Lines, "\n"), "A>HI") && strings.Contains(strings.Join(p.Lines, "\n"), "HELLO FROM A DROPPED FILE")
	})

	// Reset: the shipped disk, also after a reload.
	chromedp.ListenTarget(s.ctx, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			go chromedp.Run(s.ctx, cdppage.HandleJavaScriptDialog(true))
		}
	})
	s.do(chromedp.Click("#files-button", chromedp.ByID), chromedp.Click("#reset-button", chromedp.ByID))
	var names string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		s.eval(`z80ulm.files().map(f => f.name).join(" ")`, &names)
		if !strings.Contains(names, "HI.COM") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reset button left %s", names)
		}
	}
	time.Sleep(1200 * time.Millisecond) // the page saves twice a second
	s.open("?run=&turbo=1")
	s.eval(`z80ulm.files().map(f => f.name).join(" ")`, &names)
	if strings.Contains(names, "HELLO") || strings.Contains(names, "HI.COM") || !strings.Contains(names, "GUESS.COM") {
		t.Errorf("after the reset and a reload drive A: holds %s", names)
	}
	s.noErrors()
}
