// Package screen is what the green screen shows, without Ebiten: the glyph
// masks, the colours, the geometry of the terminal and its status line
// (docs/DESIGN.md, "The front ends"). The game draws with it; the tests'
// capture reader (internal/testkit) reads pixels back with it.
package screen

import (
	"image"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/inconsolata"
	"golang.org/x/image/math/fixed"
)

// The terminal cell is 8x16 logical pixels: the size of the Inconsolata
// bitmap face that golang.org/x/image ships pre-rendered.
const (
	CellW = 8
	CellH = 16

	// Printable ASCII is all a CP/M console shows; anything else is drawn
	// as a blank cell.
	FirstGlyph = 0x20
	LastGlyph  = 0x7E
	NumGlyphs  = LastGlyph - FirstGlyph + 1
)

var (
	atlasOnce sync.Once
	atlas     *image.Alpha
)

// Atlas returns every printable ASCII character rendered once into one row
// of 8x16 alpha cells: glyph c lives at x = (c-0x20)*8. The game uploads it
// as a texture; testkit.Decode compares captures against the same pixels.
func Atlas() *image.Alpha {
	atlasOnce.Do(func() {
		atlas = image.NewAlpha(image.Rect(0, 0, NumGlyphs*CellW, CellH))
		face := inconsolata.Regular8x16
		d := font.Drawer{Dst: atlas, Src: image.Opaque, Face: face}
		ascent := face.Metrics().Ascent
		for c := FirstGlyph; c <= LastGlyph; c++ {
			d.Dot = fixed.Point26_6{X: fixed.I((c - FirstGlyph) * CellW), Y: ascent}
			d.DrawString(string(rune(c)))
		}
	})
	return atlas
}

// GlyphMask returns the 8x16 alpha mask drawn for byte c (a blank cell for
// anything outside printable ASCII).
func GlyphMask(c byte) *image.Alpha {
	m := image.NewAlpha(image.Rect(0, 0, CellW, CellH))
	if c < FirstGlyph || c > LastGlyph {
		return m
	}
	x := int(c-FirstGlyph) * CellW
	draw.Draw(m, m.Bounds(), Atlas(), image.Pt(x, 0), draw.Src)
	return m
}
