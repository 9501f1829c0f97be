package game

import (
	"github.com/hajimehoshi/ebiten/v2"

	"z80ulm/game/screen"
)

// crtSource is the optional CRT look: each logical pixel row loses
// brightness towards its bottom (scanlines), lit pixels bleed a little
// into their neighbours (glow), and the corners darken (vignette).
var crtSource = []byte(`//kage:unit pixels
package main

var Size vec2   // logical screen size in pixels
var Scale float // device pixels per logical pixel

func Fragment(dst vec4, src vec2, color vec4) vec4 {
	c := imageSrc0At(src).rgb
	glow := imageSrc0At(src+vec2(1, 0)).rgb + imageSrc0At(src-vec2(1, 0)).rgb +
		imageSrc0At(src+vec2(0, 1)).rgb + imageSrc0At(src-vec2(0, 1)).rgb
	c += glow * 0.15
	if Scale >= 2 {
		// The lower part of every logical pixel row is a dark gap.
		if fract(src.y) > 0.6 {
			c *= 0.55
		}
	} else if mod(floor(src.y), 2) == 1 {
		// Too small for gaps: every other row a little dimmer.
		c *= 0.75
	}
	d := (src - imageSrc0Origin())/Size - 0.5
	c *= 1.0 - dot(d, d)*0.6
	return vec4(c, 1)
}
`)

func (v *view) drawCRT(dst *ebiten.Image, scale, x, y float64) {
	if v.crt == nil {
		s, err := ebiten.NewShader(crtSource)
		if err != nil {
			// The shader is decoration: without it the plain screen is
			// drawn rather than failing the game.
			v.crtOn, v.crtBroken = false, true
			dst.DrawImage(v.term, scaled(scale, x, y))
			return
		}
		v.crt = s
	}
	op := &ebiten.DrawRectShaderOptions{}
	op.GeoM.Scale(scale, scale)
	op.GeoM.Translate(x, y)
	op.Images[0] = v.term
	op.Uniforms = map[string]any{"Size": []float32{screen.W, screen.H}, "Scale": float32(scale)}
	dst.DrawRectShader(screen.W, screen.H, v.crt, op)
}
