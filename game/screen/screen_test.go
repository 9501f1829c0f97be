package screen

import (
	"strings"
	"testing"
)

func TestStatusLine(t *testing.T) {
	desk := []string{"F2 turbo", "F3 CRT", "F11 full screen"}
	cases := []struct {
		st      Status
		want    []string
		notWant []string
	}{
		// Before any busy second the target shows; then the measured rate.
		{Status{Target: 4, Program: "GUESS", Hints: desk}, []string{"   4.00 MHz  GUESS", "F2 turbo  F3 CRT  F11 full screen "}, nil},
		{Status{Target: 4, MHz: 3.987, Program: "GUESS"}, []string{"3.99 MHz"}, []string{"4.00"}},
		{Status{Target: 4, Program: ""}, []string{"CCP"}, nil},
		{Status{Target: 4, MHz: 2.54, Slow: true, Program: "GUESS"}, []string{"2.54 MHz SLOW  GUESS"}, nil},
		{Status{Target: 4, Program: "CHAT", Turbo: true, MHz: 37.456}, []string{"37.46 MHz TURBO  CHAT"}, nil},
		{Status{Target: 4, Program: "CHAT", Turbo: true}, []string{"   TURBO  CHAT"}, []string{"0.00"}},
		// The thinking cue turns while computing, and only then.
		{Status{Target: 4, Program: "GUESS", Computing: true, Spin: 1}, []string{" / 4.00 MHz"}, nil},
		{Status{Target: 4, Program: "GUESS", Computing: false, Spin: 1}, []string{"   4.00 MHz"}, []string{"/"}},
		// The cost of a character, at the rate shown.
		{Status{Target: 4, Program: "GUESS", CharT: 400000, Hints: desk}, []string{"400,000 T/char 10.0 char/s", "F2 turbo  F3 CRT"}, []string{"F11"}},
		{Status{Target: 4, Program: "GUESS", CharT: 1234567}, []string{"1,234,567 T/char 3.2 char/s"}, nil},
		// A notice stands where the hints go.
		{Status{Target: 4, Program: "GUESS", Hints: desk, Notice: "HELLO.COM is on A:"}, []string{"HELLO.COM is on A: "}, []string{"F2"}},
		{Status{Target: 4, Program: "GUESS", CharT: 999999, Notice: "NOTES.TXT is on A:"}, []string{"GUESS", "NOTES.TXT is on A: "}, []string{"T/char"}},
		{Status{Target: 4, Program: "GUESS", Notice: strings.Repeat("x", 90)}, []string{"xxxx "}, nil},
	}
	for _, c := range cases {
		s := StatusLine(c.st)
		if len(s) != Cols {
			t.Errorf("status %q is %d wide, want %d", s, len(s), Cols)
		}
		for _, w := range c.want {
			if !strings.Contains(s, w) {
				t.Errorf("status %q lacks %q", s, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(s, w) {
				t.Errorf("status %q has %q", s, w)
			}
		}
	}
	if got := thousands(0); got != "0" {
		t.Errorf("thousands(0) = %q", got)
	}
	if got := thousands(1000); got != "1,000" {
		t.Errorf("thousands(1000) = %q", got)
	}
}

func TestFit(t *testing.T) {
	cases := []struct {
		w, h        int
		scale, x, y float64
	}{
		{640, 400, 1, 0, 0},
		{1280, 800, 2, 0, 0},
		{1920, 1080, 2.7, 96, 0},
		{1366, 768, 1228.0 / 640, 69, 0},
		{800, 600, 1.25, 0, 50},
		{1170, 2532, 1170.0 / 640, 0, 900},
		{2560, 1440, 3.6, 128, 0},
		{320, 200, 0.5, 0, 0},
	}
	for _, c := range cases {
		s, x, y := Fit(c.w, c.h)
		if s != c.scale || x != c.x || y != c.y {
			t.Errorf("fit(%d,%d) = %v,%v,%v want %v,%v,%v", c.w, c.h, s, x, y, c.scale, c.x, c.y)
		}
		// Fills one dimension (to the pixel), never overflows, and is a
		// whole number of pixels wide.
		if w, h := W*s, H*s; w > float64(c.w) || h > float64(c.h) || (float64(c.w)-w >= 1 && float64(c.h)-h >= 1) {
			t.Errorf("fit(%d,%d): %vx%v", c.w, c.h, w, h)
		}
		if s >= 1 && W*s != float64(int(W*s)) {
			t.Errorf("fit(%d,%d): width %v not whole", c.w, c.h, W*s)
		}
	}
}

// The glyphs must be distinct (a screen capture decodes back to text) and
// the space blank.
func TestGlyphs(t *testing.T) {
	seen := map[string]byte{}
	for c := byte(0x20); c <= 0x7E; c++ {
		m := GlyphMask(c)
		key := string(m.Pix)
		ink := 0
		for _, a := range m.Pix {
			if a > 0 {
				ink++
			}
		}
		if c == ' ' {
			if ink != 0 {
				t.Errorf("space has %d inked pixels", ink)
			}
			continue
		}
		if ink == 0 {
			t.Errorf("glyph %q is blank", c)
		}
		if d, dup := seen[key]; dup {
			t.Errorf("glyphs %q and %q are identical", d, c)
		}
		seen[key] = c
	}
	for _, c := range []byte{0, 0x1F, 0x7F, 0xFF} {
		for _, a := range GlyphMask(c).Pix {
			if a != 0 {
				t.Errorf("non-printable %#x draws ink", c)
				break
			}
		}
	}
}
