package desktop

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"z80ulm/game/screen"
	"z80ulm/internal/testkit"
)

// display is a virtual X display and a connection to it.
type display struct {
	name string
	conn *xgb.Conn
	root xproto.Window
	w, h int
	keys map[rune]xproto.Keycode
}

// startX starts Xvfb with one screen of w x h and connects to it.
func startX(t *testing.T, w, h int) *display {
	xvfb := testkit.Need(t, "Xvfb")[0]
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd picks a free display number and writes it to fd 3.
	x := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{wr}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	d := &display{w: w, h: h}
	select {
	case n := <-num:
		if n == "" {
			t.Fatal("Xvfb did not report a display")
		}
		d.name = ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start in 30 s")
	}
	xgb.Logger = log.New(io.Discard, "", 0) // Xvfb has no authority file, and that is fine
	if d.conn, err = xgb.NewConnDisplay(d.name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.conn.Close)
	if err := xtest.Init(d.conn); err != nil {
		t.Fatalf("XTEST: %v", err)
	}
	setup := xproto.Setup(d.conn)
	d.root = setup.DefaultScreen(d.conn).Root
	// Keycodes of the characters the tests type, from the keyboard map.
	first, count := setup.MinKeycode, byte(setup.MaxKeycode-setup.MinKeycode+1)
	m, err := xproto.GetKeyboardMapping(d.conn, first, count).Reply()
	if err != nil {
		t.Fatal(err)
	}
	d.keys = map[rune]xproto.Keycode{}
	per := int(m.KeysymsPerKeycode)
	for i := 0; i < int(count); i++ {
		sym := m.Keysyms[i*per]
		r := rune(sym)
		if sym == 0xff0d {
			r = '\r'
		}
		if _, ok := d.keys[r]; !ok && sym != 0 {
			d.keys[r] = first + xproto.Keycode(i)
		}
	}
	return d
}

// tap presses and releases each key of s at once, in one request each:
// the press and the release reach the window within the same frame, as
// xdotool's quick presses do. Between keys it waits gap.
func (d *display) tap(t *testing.T, s string, gap time.Duration) {
	t.Helper()
	for _, r := range s {
		k, ok := d.keys[r]
		if !ok {
			t.Fatalf("no key for %q", r)
		}
		xtest.FakeInput(d.conn, xproto.KeyPress, byte(k), 0, d.root, 0, 0, 0)
		xtest.FakeInput(d.conn, xproto.KeyRelease, byte(k), 0, d.root, 0, 0, 0)
		d.sync()
		time.Sleep(gap)
	}
}

// sync waits until the server has handled every request sent so far.
func (d *display) sync() { xproto.GetInputFocus(d.conn).Reply() }

// window waits for the game's window and returns it.
func (d *display) window(t *testing.T) xproto.Window {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		tree, err := xproto.QueryTree(d.conn, d.root).Reply()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tree.Children {
			if a, err := xproto.GetWindowAttributes(d.conn, w).Reply(); err == nil && a.MapState == xproto.MapStateViewable {
				return w
			}
		}
	}
	t.Fatal("no window after 60 s")
	return 0
}

// focus gives the keyboard to w (what a window manager does on a click),
// or takes it away with w = 0.
func (d *display) focus(w xproto.Window) {
	xproto.SetInputFocus(d.conn, xproto.InputFocusPointerRoot, w, xproto.TimeCurrentTime)
	d.sync()
}

// capture reads the whole screen's pixels.
func (d *display) capture(t *testing.T) *image.RGBA {
	t.Helper()
	r, err := xproto.GetImage(d.conn, xproto.ImageFormatZPixmap, xproto.Drawable(d.root), 0, 0, uint16(d.w), uint16(d.h), 0xffffffff).Reply()
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, d.w, d.h))
	// 24-bit depth comes as 32 bits a pixel, blue first.
	for i := 0; i+3 < len(r.Data) && i < d.w*d.h*4; i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = r.Data[i+2], r.Data[i+1], r.Data[i], 0xff
	}
	return img
}

// read captures the screen and reads it: the terminal's lines and the
// status line, and where the screen is (nil lines until it is readable).
func (d *display) read(t *testing.T) (lines []string, rect image.Rectangle) {
	img := d.capture(t)
	lines, err := testkit.Decode(img)
	if err != nil {
		return nil, image.Rectangle{}
	}
	x, y, s, _ := testkit.Locate(img)
	return lines, image.Rect(int(x), int(y), int(x+screen.W*s), int(y+screen.H*s))
}

func writePNG(file string, img image.Image) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
