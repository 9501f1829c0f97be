package game

import (
	"image"
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"z80ulm/game/screen"
)

const (
	blinkPeriod = 530 * time.Millisecond
	// The cursor blinks only while the program waits for a key, as a
	// sign that it is the player's turn, and only for blinkFor after it
	// last moved; otherwise it stays lit. Every blink is a repaint, and a
	// machine left waiting should need no frames at all.
	blinkFor   = 15 * time.Second
	bellLength = 150 * time.Millisecond
	// statusEvery limits how often the measured rate on the status line
	// changes, so turbo does not redraw the screen just for a digit.
	statusEvery = 250 * time.Millisecond
)

// view owns the Ebiten images and remembers what the screen shows, so that
// a frame where nothing changed draws nothing at all.
type view struct {
	glyphs [screen.NumGlyphs]*ebiten.Image
	term   *ebiten.Image // screen.W x screen.H: terminal plus status line
	crt    *ebiten.Shader

	lines     []string
	crow      int
	ccol      int
	cvis      bool
	cmoved    time.Time
	blinkOn   bool
	waiting   bool
	focused   bool
	status    string
	statusAt  time.Time
	bellUntil time.Time
	bellOn    bool
	crtOn     bool
	crtBroken bool // the shader failed to compile: draw plain
	w, h      int
	drawn     bool
}

func newView() *view { return &view{} }

func (v *view) bell(now time.Time) { v.bellUntil = now.Add(bellLength) }

// load creates the images on first use (Ebiten wants them after start-up).
func (v *view) load() {
	if v.term != nil {
		return
	}
	atlas := ebiten.NewImageFromImage(alphaToWhite(screen.Atlas()))
	for i := range v.glyphs {
		r := image.Rect(i*screen.CellW, 0, (i+1)*screen.CellW, screen.CellH)
		v.glyphs[i] = atlas.SubImage(r).(*ebiten.Image)
	}
	v.term = ebiten.NewImage(screen.W, screen.H)
}

// alphaToWhite turns the glyph masks into white glyphs with that alpha,
// which DrawImage then tints with a colour scale.
func alphaToWhite(a *image.Alpha) *image.NRGBA {
	img := image.NewNRGBA(a.Bounds())
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			img.SetNRGBA(x, y, color.NRGBA{0xFF, 0xFF, 0xFF, a.AlphaAt(x, y).A})
		}
	}
	return img
}

// changed compares what would be drawn now with what the screen shows and
// records the new state.
func (v *view) changed(g *Game, now time.Time, w, h int) bool {
	lines, row, col, vis := g.Screen()
	st := g.status(now)
	waiting := !st.Computing
	focused := g.isFocused()
	crt := g.CRT() && !v.crtBroken
	dirty := !v.drawn || w != v.w || h != v.h || crt != v.crtOn || focused != v.focused
	if len(lines) != len(v.lines) {
		dirty = true
	} else {
		for i := range lines {
			if lines[i] != v.lines[i] {
				dirty = true
				break
			}
		}
	}
	if row != v.crow || col != v.ccol || vis != v.cvis || waiting != v.waiting {
		// A moving cursor stays lit, like a terminal's while typing.
		v.cmoved = now
		dirty = true
	}
	// The cursor blinks only where typing reaches the machine: without
	// the focus it stays dim and still.
	since := now.Sub(v.cmoved)
	blink := !waiting || !focused || since > blinkFor || (since/blinkPeriod)%2 == 0
	bell := now.Before(v.bellUntil)
	if blink != v.blinkOn || bell != v.bellOn {
		dirty = true
	}
	// The status line follows the clock at most 4 times a second, but the
	// thinking cue and the focus hint at once.
	if v.status == "" || now.Sub(v.statusAt) >= statusEvery || focused != v.focused || waiting != v.waiting {
		if s := screen.StatusLine(st); s != v.status {
			v.status, v.statusAt = s, now
			dirty = true
		}
	}
	v.lines, v.crow, v.ccol, v.cvis = lines, row, col, vis
	v.blinkOn, v.bellOn, v.crtOn, v.waiting, v.focused = blink, bell, crt, waiting, focused
	v.w, v.h, v.drawn = w, h, true
	return dirty
}

func (v *view) draw(dst *ebiten.Image, g *Game, now time.Time) {
	v.load()
	b := dst.Bounds()
	if !v.changed(g, now, b.Dx(), b.Dy()) {
		return
	}
	bg := screen.Black
	if v.bellOn {
		bg = screen.BellFlash
	}
	v.term.Fill(bg)
	for r, line := range v.lines {
		for c := 0; c < len(line) && c < screen.Cols; c++ {
			v.glyph(line[c], c, r, screen.Phosphor)
		}
	}
	if v.cvis && v.blinkOn && v.crow >= 0 && v.crow < screen.Rows && v.ccol >= 0 && v.ccol < screen.Cols {
		w, h := screen.CellW, screen.CellH
		cell := image.Rect(v.ccol*w, v.crow*h, (v.ccol+1)*w, (v.crow+1)*h)
		cursor := screen.Phosphor
		if !v.focused {
			cursor = screen.Dim
		}
		v.term.SubImage(cell).(*ebiten.Image).Fill(cursor)
		if v.crow < len(v.lines) && v.ccol < len(v.lines[v.crow]) {
			v.glyph(v.lines[v.crow][v.ccol], v.ccol, v.crow, bg)
		}
	}
	v.term.SubImage(image.Rect(0, screen.Rows*screen.CellH, screen.W, screen.H)).(*ebiten.Image).Fill(screen.StatusBG)
	for c := 0; c < len(v.status) && c < screen.Cols; c++ {
		v.glyph(v.status[c], c, screen.Rows, screen.StatusFG)
	}

	dst.Clear()
	scale, x, y := screen.Fit(b.Dx(), b.Dy())
	g.drawn(screen.W*scale, screen.H*scale)
	if v.crtOn {
		v.drawCRT(dst, scale, x, y)
		return
	}
	dst.DrawImage(v.term, scaled(scale, x, y))
}

// scaled places the logical screen in the window: nearest-neighbour at any
// scale of 1 or more, whole or fractional, so the pixel font stays sharp
// (each logical pixel becomes a block of whole device pixels, some a pixel
// wider than others); smoothed only below 1, where pixels must merge.
func scaled(scale, x, y float64) *ebiten.DrawImageOptions {
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(scale, scale)
	op.GeoM.Translate(x, y)
	if scale < 1 {
		op.Filter = ebiten.FilterLinear
	}
	return op
}

func (v *view) glyph(ch byte, col, row int, c color.Color) {
	if ch <= screen.FirstGlyph || ch > screen.LastGlyph {
		return
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(col*screen.CellW), float64(row*screen.CellH))
	op.ColorScale.ScaleWithColor(c)
	v.term.DrawImage(v.glyphs[ch-screen.FirstGlyph], op)
}
