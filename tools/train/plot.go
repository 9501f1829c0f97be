package main

import (
	"fmt"
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"z80ulm/tools/train/qat"
)

// plotCurves draws loss (top) and the accuracies (bottom) per epoch as PNG.
func plotCurves(path string, hist []qat.EpochStats, heldout bool) error {
	series := func(f func(qat.EpochStats) float64) plotter.XYs {
		xy := make(plotter.XYs, len(hist))
		for i, s := range hist {
			xy[i].X, xy[i].Y = float64(s.Epoch), f(s)
		}
		return xy
	}
	loss := plot.New()
	loss.Title.Text = "training loss"
	loss.X.Label.Text = "epoch"
	loss.Y.Scale = plot.LogScale{}
	loss.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	acc := plot.New()
	acc.Title.Text = "accuracy (%)"
	acc.X.Label.Text = "epoch"
	acc.Legend.Top, acc.Legend.Left = false, false
	if err := addLines(loss, "", series(func(s qat.EpochStats) float64 { return s.Loss })); err != nil {
		return err
	}
	lines := []any{
		"float (training net)", series(func(s qat.EpochStats) float64 { return s.FloatAcc }),
		"IntAcc (integer net)", series(func(s qat.EpochStats) float64 { return s.IntAcc }),
		"exact reply", series(func(s qat.EpochStats) float64 { return s.ReplyAcc })}
	if heldout {
		lines = append(lines, "held-out exact reply", series(func(s qat.EpochStats) float64 { return s.ValAcc }))
	}
	if err := addLines(acc, lines...); err != nil {
		return err
	}
	const w, h = 8 * vg.Inch, 8 * vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Millimeter * 4, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	plots := [][]*plot.Plot{{loss}, {acc}}
	canvases := plot.Align(plots, tiles, dc)
	loss.Draw(canvases[0][0])
	acc.Draw(canvases[1][0])
	png := vgimg.PngCanvas{Canvas: img}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := png.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %v", path, err)
	}
	return f.Close()
}

// addLines adds name, points pairs as lines with points, one colour each.
func addLines(p *plot.Plot, vs ...any) error {
	for i := 0; i+1 < len(vs); i += 2 {
		l, pts, err := plotter.NewLinePoints(vs[i+1].(plotter.XYs))
		if err != nil {
			return err
		}
		c := plotter.DefaultLineStyle.Color
		if k := i / 2; k < len(palette) {
			c = palette[k]
		}
		l.Color, pts.Color = c, c
		p.Add(l, pts)
		if name := vs[i].(string); name != "" {
			p.Legend.Add(name, l, pts)
		}
	}
	p.Add(plotter.NewGrid())
	return nil
}

var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}
