package screen

import (
	"errors"
	"image"
	"image/color"
	"math"
)

// Decode reads the terminal's text back from a capture of the screen drawn
// at a whole-number scale without the CRT look (a screenshot of the
// desktop window or the browser page). It finds the status line's bar,
// which gives the terminal's origin and scale, then matches every cell
// against the glyphs; a cell under the block cursor matches its inverse.
// It returns Rows+1 lines: the terminal, then the status line.
func Decode(img image.Image) ([]string, error) {
	b := img.Bounds()
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, b.Min.X-1, b.Min.Y-1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if same(img.At(x, y), StatusBG) {
				minX, minY = min(minX, x), min(minY, y)
				maxX, maxY = max(maxX, x), max(maxY, y)
			}
		}
	}
	if maxX < minX {
		return nil, errors.New("screen: no status line in the capture")
	}
	barW := maxX - minX + 1
	if barW%W != 0 {
		return nil, errors.New("screen: status line width is not a whole multiple of the screen width")
	}
	scale := barW / W
	ox, oy := minX, minY-Rows*CellH*scale
	if oy < b.Min.Y || oy+H*scale > b.Max.Y {
		return nil, errors.New("screen: terminal area outside the capture")
	}

	// Each glyph as the green values it paints in normal and inverse video
	// (and on the status bar's colours).
	type shape struct {
		ch  byte
		val [CellW * CellH]float64
	}
	shapes := func(fg, bg color.RGBA, inverse bool) []shape {
		var out []shape
		for i := 0; i < NumGlyphs; i++ {
			m := GlyphMask(byte(FirstGlyph + i))
			for _, inv := range []bool{false, true} {
				if inv && !inverse {
					continue
				}
				f, k := float64(fg.G), float64(bg.G)
				if inv {
					f, k = k, f
				}
				s := shape{ch: byte(FirstGlyph + i)}
				for p := range s.val {
					s.val[p] = k + (f-k)*float64(m.Pix[p])/255
				}
				out = append(out, s)
			}
		}
		return out
	}
	term, bar := shapes(Phosphor, Black, true), shapes(StatusFG, StatusBG, false)

	lines := make([]string, Rows+1)
	var cell [CellW * CellH]float64
	for r := 0; r <= Rows; r++ {
		cands := term
		if r == Rows {
			cands = bar
		}
		row := make([]byte, Cols)
		for c := 0; c < Cols; c++ {
			x0, y0 := ox+c*CellW*scale, oy+r*CellH*scale
			for y := 0; y < CellH; y++ {
				for x := 0; x < CellW; x++ {
					// The centre of each scaled pixel: scaling never blends.
					_, g, _, _ := img.At(x0+x*scale+scale/2, y0+y*scale+scale/2).RGBA()
					cell[y*CellW+x] = float64(g >> 8)
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

func same(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	return uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(b>>8) == want.B
}
