package screen

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
)

const (
	// Cols and Rows are the terminal size; the status line sits below.
	Cols = 80
	Rows = 24
	// W x H is the logical screen: the terminal plus the status line,
	// scaled to the window.
	W = Cols * CellW
	H = (Rows + 1) * CellH
)

// Colours of a P1-like green phosphor tube.
var (
	Phosphor  = color.RGBA{0x33, 0xFF, 0x66, 0xFF}
	Dim       = color.RGBA{0x14, 0x66, 0x29, 0xFF} // the cursor while the screen has no focus
	Black     = color.RGBA{0x00, 0x00, 0x00, 0xFF}
	BellFlash = color.RGBA{0x12, 0x55, 0x24, 0xFF} // background during the visual bell
	StatusBG  = color.RGBA{0x0A, 0x3A, 0x14, 0xFF} // the status line's bar
	StatusFG  = color.RGBA{0x99, 0xFF, 0xB2, 0xFF}
)

// Fit returns the scale at which the logical screen fills a w x h window
// (in device pixels) and the whole-pixel offset that centres it. The scale
// is fractional where a whole number would leave much of the window empty
// (a 1366x768 laptop: 1.92, not 1), and always makes the screen a whole
// number of pixels wide, so that nearest-neighbour sampling maps every
// device pixel to exactly one logical pixel and a capture can be read back
// (docs/DESIGN.md, "The front ends").
func Fit(w, h int) (scale, x, y float64) {
	scale = min(float64(w)/W, float64(h)/H)
	if scale >= 1 {
		scale = math.Floor(W*scale) / W
	}
	x = math.Floor((float64(w) - W*scale) / 2)
	y = math.Floor((float64(h) - H*scale) / 2)
	return scale, x, y
}

// Status is what the status line reports.
type Status struct {
	MHz       float64 // measured rate over the last busy second (0: none yet)
	Slow      bool    // the host could not keep the paced rate in that second
	Target    float64 // the paced rate
	Turbo     bool
	Program   string // "" = the CCP
	Computing bool   // the program is running, not waiting for a key
	Spin      int    // frame of the thinking cue, advanced while computing
	CharT     uint64 // T-states the last printed character took (0: none)
	Hints     []string
	// Notice, when set, stands where the cost and the hints go (a file
	// that arrived, a key that was ignored).
	Notice string
}

// spinner is the thinking cue: it turns while the Z80 computes.
const spinner = `|/-\`

// StatusLine is the line under the terminal, exactly Cols wide: the
// thinking cue, the clock really achieved, the program, the cost of the
// last character, then as many of the hints as fit (or the notice).
func StatusLine(s Status) string {
	light := byte(' ')
	if s.Computing {
		light = spinner[s.Spin%len(spinner)]
	}
	rate := s.Target
	if s.MHz > 0 || s.Turbo {
		rate = s.MHz
	}
	clock := fmt.Sprintf("%.2f MHz", rate)
	switch {
	case s.Turbo && rate == 0:
		clock = "TURBO" // nothing measured yet
	case s.Turbo:
		clock += " TURBO"
	case s.Slow:
		clock += " SLOW" // the rate is what this host could do
	}
	prog := s.Program
	if prog == "" {
		prog = "CCP"
	}
	left := fmt.Sprintf(" %c %s  %-8s", light, clock, prog)
	// A notice takes the room of the character's cost as well.
	if s.CharT > 0 && s.Notice == "" {
		left += fmt.Sprintf("  %s T/char %.1f char/s", thousands(s.CharT), rate*1e6/float64(s.CharT))
	}
	right := s.Hints
	if s.Notice != "" {
		right = []string{s.Notice}
	}
	// Hints are kept whole, from the first, while they fit.
	room := Cols - len(left) - 2
	tail := ""
	for _, h := range right {
		next := h
		if tail != "" {
			next = tail + "  " + h
		}
		if len(next) > room {
			break
		}
		tail = next
	}
	if tail == "" && s.Notice != "" && room > 0 {
		tail = s.Notice[:min(len(s.Notice), room)]
	}
	line := left + strings.Repeat(" ", max(Cols-len(left)-len(tail)-1, 0)) + tail + " "
	return line[:Cols]
}

// thousands writes n with commas between groups of three digits.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
