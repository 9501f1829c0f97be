package testkit

import (
	"errors"
	"image"
	"image/color"
	"math"

	"z80ulm/game/screen"
)

// Decode reads the terminal's text back from a capture of the screen (a
// screenshot of the desktop window or of the browser page) drawn without
// the CRT look at any scale of at least 1, whole or fractional, with
// nearest-neighbour sampling (docs/DESIGN.md, "The front ends": the
// screen's width in device pixels is always a whole number, so the scale
// is exactly the status bar's width over screen.W). It finds the status
// line's bar, which gives the terminal's origin and scale, then matches
// every cell against the glyphs; a cell under the block cursor matches its
// inverse. It returns screen.Rows+1 lines: the terminal, then the status
// line.
func Decode(img image.Image) ([]string, error) {
	ox, oy, scale, err := Locate(img)
	if err != nil {
		return nil, err
	}
	// at reads the green value of logical pixel (x, y): the device pixel
	// under its centre, which nearest-neighbour scaling paints with that
	// logical pixel alone.
	at := func(x, y int) float64 {
		px := int(math.Floor(ox + (float64(x)+0.5)*scale))
		py := int(math.Floor(oy + (float64(y)+0.5)*scale))
		_, g, _, _ := img.At(px, py).RGBA()
		return float64(g >> 8)
	}

	type shape struct {
		ch  byte
		val [screen.CellW * screen.CellH]float64
	}
	// shapes gives each glyph as the green values it paints in normal (and
	// inverse) video on the given colours.
	shapes := func(fg, bg color.RGBA, inverse bool) []shape {
		var out []shape
		for i := 0; i < screen.NumGlyphs; i++ {
			m := screen.GlyphMask(byte(screen.FirstGlyph + i))
			for _, inv := range []bool{false, true} {
				if inv && !inverse {
					continue
				}
				f, k := float64(fg.G), float64(bg.G)
				if inv {
					f, k = k, f
				}
				s := shape{ch: byte(screen.FirstGlyph + i)}
				for p := range s.val {
					s.val[p] = k + (f-k)*float64(m.Pix[p])/255
				}
				out = append(out, s)
			}
		}
		return out
	}
	term, bar := shapes(screen.Phosphor, screen.Black, true), shapes(screen.StatusFG, screen.StatusBG, false)

	lines := make([]string, screen.Rows+1)
	var cell [screen.CellW * screen.CellH]float64
	for r := 0; r <= screen.Rows; r++ {
		cands := term
		if r == screen.Rows {
			cands = bar
		}
		row := make([]byte, screen.Cols)
		for c := 0; c < screen.Cols; c++ {
			for y := 0; y < screen.CellH; y++ {
				for x := 0; x < screen.CellW; x++ {
					cell[y*screen.CellW+x] = at(c*screen.CellW+x, r*screen.CellH+y)
				}
			}
			best, bestErr := byte(' '), math.Inf(1)
			for i := range cands {
				var e float64
				for p, v := range cands[i].val {
					d := cell[p] - v
					e += d * d
				}
				if e < bestErr {
					best, bestErr = cands[i].ch, e
				}
			}
			row[c] = best
		}
		lines[r] = string(row)
	}
	return lines, nil
}

// Locate finds the screen in a capture by its status line's bar: the
// device pixel of the screen's top left corner and its scale.
func Locate(img image.Image) (x, y, scale float64, err error) {
	b := img.Bounds()
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, b.Min.X-1, b.Min.Y-1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if same(img.At(x, y), screen.StatusBG) {
				minX, minY = min(minX, x), min(minY, y)
				maxX, maxY = max(maxX, x), max(maxY, y)
			}
		}
	}
	if maxX < minX {
		return 0, 0, 0, errors.New("testkit: no status line in the capture")
	}
	scale = float64(maxX-minX+1) / screen.W
	if scale < 1 {
		return 0, 0, 0, errors.New("testkit: the screen is drawn below scale 1")
	}
	// The screen is drawn at a whole-pixel offset. The bar begins at
	// logical x = 0, so at that offset; its first device row is the first
	// whose centre falls in logical row Rows*CellH.
	x = float64(minX)
	y = float64(minY) - math.Ceil(screen.Rows*screen.CellH*scale-0.5)
	if y < float64(b.Min.Y)-1 || y+screen.H*scale > float64(b.Max.Y)+1 {
		return 0, 0, 0, errors.New("testkit: terminal area outside the capture")
	}
	return x, y, scale, nil
}

func same(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	return uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(b>>8) == want.B
}
