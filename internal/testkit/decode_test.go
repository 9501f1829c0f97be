package testkit

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"z80ulm/game/screen"
)

// logical draws lines the way the game does (glyph alpha over the
// background, the cursor cell inverted) into a screen.W x screen.H image.
func logical(lines []string, status string, crow, ccol int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, screen.W, screen.H))
	blend := func(fg, bg color.RGBA, a uint8) color.RGBA {
		mix := func(f, b uint8) uint8 { return uint8((int(f)*int(a) + int(b)*(255-int(a)) + 127) / 255) }
		return color.RGBA{mix(fg.R, bg.R), mix(fg.G, bg.G), mix(fg.B, bg.B), 0xFF}
	}
	for r := 0; r <= screen.Rows; r++ {
		text := status
		if r < screen.Rows {
			text = lines[r]
		}
		for c := 0; c < screen.Cols; c++ {
			fg, bg := screen.Phosphor, screen.Black
			if r == screen.Rows {
				fg, bg = screen.StatusFG, screen.StatusBG
			} else if r == crow && c == ccol {
				fg, bg = screen.Black, screen.Phosphor
			}
			ch := byte(' ')
			if c < len(text) {
				ch = text[c]
			}
			m := screen.GlyphMask(ch)
			for y := 0; y < screen.CellH; y++ {
				for x := 0; x < screen.CellW; x++ {
					img.SetRGBA(c*screen.CellW+x, r*screen.CellH+y, blend(fg, bg, m.AlphaAt(x, y).A))
				}
			}
		}
	}
	return img
}

// scaled draws src at scale s and offset (ox, oy) into a larger image with
// noise around it, sampling the nearest source pixel as a GPU does: the
// device pixel's centre, mapped back.
func scaled(src *image.RGBA, s float64, ox, oy int) *image.RGBA {
	w := int(math.Round(screen.W * s))
	h := int(math.Ceil(screen.H * s))
	img := image.NewRGBA(image.Rect(0, 0, w+2*ox, h+2*oy))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7) // noise outside the screen
	}
	for y := 0; y < h; y++ {
		sy := int((float64(y) + 0.5) / s)
		if sy >= screen.H {
			continue
		}
		for x := 0; x < w; x++ {
			sx := int((float64(x) + 0.5) / s)
			img.SetRGBA(ox+x, oy+y, src.RGBAAt(sx, sy))
		}
	}
	return img
}

func TestDecode(t *testing.T) {
	lines := make([]string, screen.Rows)
	for i := range lines {
		lines[i] = strings.Repeat(" ", screen.Cols)
	}
	lines[0] = "64K CP/M 2.2 on a 4 MHz Z80"
	lines[1] = "A>GUESS"
	lines[3] = "> does it have a trunk"
	lines[4] = "YES"
	lines[5] = "> "
	var all []byte
	for c := screen.FirstGlyph; c <= screen.LastGlyph; c++ {
		all = append(all, byte(c))
	}
	lines[10] = string(all[:screen.Cols])
	lines[11] = string(all[screen.Cols:])
	lines[23] = "the last line: il1I|!,.;:'`\"0Oo"
	status := (" 4.00 MHz  GUESS  your turn" + strings.Repeat(" ", screen.Cols))[:screen.Cols]
	src := logical(lines, status, 5, 2)
	// Whole scales, and the fractional ones the front ends draw at: a
	// phone 1170 device pixels wide, a 1366x768 laptop, 1.5.
	for _, s := range []float64{1, 2, 3, 1170.0 / 640, 1228.0 / 640, 1.5} {
		img := scaled(src, s, 37, 11)
		got, err := Decode(img)
		if err != nil {
			t.Fatalf("scale %v: %v", s, err)
		}
		for r := 0; r < screen.Rows; r++ {
			want := (lines[r] + strings.Repeat(" ", screen.Cols))[:screen.Cols]
			if got[r] != want {
				t.Errorf("scale %v row %d:\n got %q\nwant %q", s, r, got[r], want)
			}
		}
		if got[screen.Rows] != status {
			t.Errorf("scale %v status:\n got %q\nwant %q", s, got[screen.Rows], status)
		}
	}
	if _, err := Decode(image.NewRGBA(image.Rect(0, 0, 700, 500))); err == nil {
		t.Errorf("Decode of a black image: no error")
	}
	if _, err := Decode(scaled(src, 0.5, 3, 3)); err == nil {
		t.Errorf("Decode below scale 1: no error")
	}
}

// Decode reads captures it did not produce: whatever the pixels, it
// returns an error or Rows+1 lines of Cols characters, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(uint16(640), uint16(400), []byte{0x0A, 0x3A, 0x14})
	f.Add(uint16(700), uint16(420), []byte{0x0A, 0x3A, 0x14, 0, 0, 0, 0x33, 0xFF, 0x66})
	f.Add(uint16(3), uint16(3), []byte{})
	f.Fuzz(func(t *testing.T, w, h uint16, pattern []byte) {
		w, h = w%1400+1, h%900+1
		img := image.NewRGBA(image.Rect(0, 0, int(w), int(h)))
		if len(pattern) >= 3 {
			for i := 0; i < int(w)*int(h); i++ {
				p := pattern[(i*3)%len(pattern):]
				if len(p) < 3 {
					p = pattern
				}
				img.Pix[i*4], img.Pix[i*4+1], img.Pix[i*4+2], img.Pix[i*4+3] = p[0], p[1], p[2], 0xFF
			}
		}
		lines, err := Decode(img)
		if err != nil {
			return
		}
		if len(lines) != screen.Rows+1 {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if len(l) != screen.Cols {
				t.Fatalf("line %q is %d wide", l, len(l))
			}
		}
	})
}
