package screen

import (
	"strings"
	"testing"
)

func TestStatusText(t *testing.T) {
	cases := []struct {
		st   Status
		want []string
	}{
		{Status{Target: 4, Program: "GUESS"}, []string{" 4.00 MHz  GUESS", "F2 turbo", "F3 CRT", "F11 full screen"}},
		{Status{Target: 4, Program: "", Waiting: true}, []string{"CCP (waiting for a key)"}},
		{Status{Target: 4, Program: "CHAT", Turbo: true, MHz: 37.456}, []string{"37.46 MHz TURBO  CHAT"}},
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
	}
}

func TestFit(t *testing.T) {
	cases := []struct {
		w, h        int
		scale, x, y float64
	}{
		{640, 400, 1, 0, 0},
		{1280, 800, 2, 0, 0},
		{1920, 1080, 2, 320, 140},
		{1300, 1000, 2, 10, 100},
		{2560, 1440, 3, 320, 120},
		{320, 200, 0.5, 0, 0},
	}
	for _, c := range cases {
		s, x, y := Fit(c.w, c.h)
		if s != c.scale || x != c.x || y != c.y {
			t.Errorf("fit(%d,%d) = %v,%v,%v want %v,%v,%v", c.w, c.h, s, x, y, c.scale, c.x, c.y)
		}
	}
}

// The glyphs must be distinct (a screen capture decodes back to text) and
// the space blank.

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
