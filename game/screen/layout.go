package screen

import (
	"fmt"
	"image/color"
)

const (
	// Cols and Rows are the terminal size; the status line sits below.
	Cols = 80
	Rows = 24
	// W x H is the logical screen: the terminal plus the status line,
	// integer-scaled to the window.
	W = Cols * CellW
	H = (Rows + 1) * CellH
)

// Colours of a P1-like green phosphor tube.
var (
	Phosphor  = color.RGBA{0x33, 0xFF, 0x66, 0xFF}
	Black     = color.RGBA{0x00, 0x00, 0x00, 0xFF}
	BellFlash = color.RGBA{0x12, 0x55, 0x24, 0xFF} // background during the visual bell
	StatusBG  = color.RGBA{0x0A, 0x3A, 0x14, 0xFF} // the status line's bar
	StatusFG  = color.RGBA{0x99, 0xFF, 0xB2, 0xFF}
)

// Fit returns the largest whole-number scale at which the logical screen
// fits a w x h window (a fraction only when even 1 does not fit) and the
// offset that centres it.
func Fit(w, h int) (scale, x, y float64) {
	scale = min(float64(w)/W, float64(h)/H)
	if scale >= 1 {
		scale = float64(int(scale))
	}
	x = float64(int((float64(w) - W*scale) / 2))
	y = float64(int((float64(h) - H*scale) / 2))
	return scale, x, y
}

// Status is what the status line reports.
type Status struct {
	MHz     float64 // measured rate, shown in turbo
	Target  float64 // the paced rate, shown otherwise
	Turbo   bool
	Program string // "" = the CCP
	Waiting bool
}

// StatusLine is the line under the terminal, exactly Cols wide: clock,
// program, key hints.
func StatusLine(s Status) string {
	clock := fmt.Sprintf("%.2f MHz", s.Target)
	if s.Turbo {
		clock = fmt.Sprintf("%.2f MHz TURBO", s.MHz)
	}
	prog := s.Program
	if prog == "" {
		prog = "CCP"
	}
	if s.Waiting {
		prog += " (waiting for a key)"
	}
	left := fmt.Sprintf(" %s  %s", clock, prog)
	const right = "F2 turbo  F3 CRT  F11 full screen "
	pad := max(Cols-len(left)-len(right), 1)
	line := left + fmt.Sprintf("%*s", pad, "") + right
	if len(line) > Cols {
		line = line[:Cols]
	}
	return line
}
