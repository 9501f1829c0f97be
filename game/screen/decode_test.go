package screen

import (
	"image"
	"image/color"
	"strings"
	"testing"
)

// paint draws lines the way the game does (glyph alpha over the
// background, the cursor cell inverted), at a whole scale, at (ox, oy) of a
// larger black image with noise around it.
func paint(lines []string, status string, scale, ox, oy, crow, ccol int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, W*scale+2*ox, H*scale+2*oy))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7) // noise outside the screen
	}
	blend := func(fg, bg color.RGBA, a uint8) color.RGBA {
		mix := func(f, b uint8) uint8 { return uint8((int(f)*int(a) + int(b)*(255-int(a)) + 127) / 255) }
		return color.RGBA{mix(fg.R, bg.R), mix(fg.G, bg.G), mix(fg.B, bg.B), 0xFF}
	}
	for r := 0; r <= Rows; r++ {
		text := status
		if r < Rows {
			text = lines[r]
		}
		for c := 0; c < Cols; c++ {
			fg, bg := Phosphor, Black
			if r == Rows {
				fg, bg = StatusFG, StatusBG
			} else if r == crow && c == ccol {
				fg, bg = Black, Phosphor
			}
			ch := byte(' ')
			if c < len(text) {
				ch = text[c]
			}
			m := GlyphMask(ch)
			for y := 0; y < CellH*scale; y++ {
				for x := 0; x < CellW*scale; x++ {
					px := blend(fg, bg, m.AlphaAt(x/scale, y/scale).A)
					img.SetRGBA(ox+c*CellW*scale+x, oy+r*CellH*scale+y, px)
				}
			}
		}
	}
	return img
}

func TestDecode(t *testing.T) {
	lines := make([]string, Rows)
	for i := range lines {
		lines[i] = strings.Repeat(" ", Cols)
	}
	lines[0] = "64K CP/M 2.2 on a 4 MHz Z80"
	lines[1] = "A>GUESS"
	lines[3] = "> does it have a trunk"
	lines[4] = "YES"
	lines[5] = "> "
	var all []byte
	for c := FirstGlyph; c <= LastGlyph; c++ {
		all = append(all, byte(c))
	}
	lines[10] = string(all[:Cols])
	lines[11] = string(all[Cols:])
	lines[23] = "the last line: il1I|!,.;:'`\"0Oo"
	status := StatusLine(Status{Target: 4, Program: "GUESS", Waiting: true})
	for _, scale := range []int{1, 2, 3} {
		img := paint(lines, status, scale, 37, 11, 5, 2)
		got, err := Decode(img)
		if err != nil {
			t.Fatalf("scale %d: %v", scale, err)
		}
		for r := 0; r < Rows; r++ {
			want := (lines[r] + strings.Repeat(" ", Cols))[:Cols]
			if got[r] != want {
				t.Errorf("scale %d row %d:\n got %q\nwant %q", scale, r, got[r], want)
			}
		}
		if got[Rows] != status {
			t.Errorf("scale %d status:\n got %q\nwant %q", scale, got[Rows], status)
		}
	}
	if _, err := Decode(image.NewRGBA(image.Rect(0, 0, 700, 500))); err == nil {
		t.Errorf("Decode of a black image: no error")
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
		if len(lines) != Rows+1 {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if len(l) != Cols {
				t.Fatalf("line %q is %d wide", l, len(l))
			}
		}
	})
}
