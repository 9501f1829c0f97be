package emu

// Terminal is the 80x24 screen the console writes to. It understands the
// two terminals CP/M programs were commonly written for, which do not
// conflict with each other:
//
//	ADM-3A: ESC = row+32 col+32 (cursor address), ^Z clear screen, ^^ home,
//	        ^K up, ^L right, ^H left, ^J down.
//	VT52:   ESC Y row+32 col+32, ESC A/B/C/D up/down/right/left, ESC H home,
//	        ESC J clear to end of screen, ESC K clear to end of line,
//	        ESC E clear screen, ESC I reverse line feed,
//	        ESC e / ESC f cursor on / off.
//
// Also ESC * (clear screen) and ESC T (clear to end of line) of the ADM-3A's
// successors. CR, LF (scrolling at the bottom), BS, TAB (to the next
// multiple of 8) and BEL (a flag for the front end) work as usual. Writing
// in the last column wraps before the next character is written, so a full
// 80-character line followed by CR LF does not leave an empty line.
type Terminal struct {
	cells   [Rows][Cols]byte
	row     int
	col     int
	wrap    bool // the last column was written: the next character wraps first
	visible bool
	bell    bool
	esc     escState
	escRow  int
}

// Screen size.
const (
	Rows = 24
	Cols = 80
)

type escState int

const (
	escNone    escState = iota
	escStart            // ESC seen
	escRowByte          // ESC = or ESC Y seen: the row comes next
	escColByte          // then the column
)

// NewTerminal returns a cleared screen with the cursor home and visible.
func NewTerminal() *Terminal {
	t := &Terminal{visible: true}
	t.clear()
	return t
}

// Write feeds console output to the screen; it never fails.
func (t *Terminal) Write(p []byte) (int, error) {
	for _, b := range p {
		t.Put(b)
	}
	return len(p), nil
}

// Put feeds one byte of console output.
func (t *Terminal) Put(b byte) {
	b &= 0x7F // the parity bit is not part of the character
	switch t.esc {
	case escStart:
		t.escape(b)
		return
	case escRowByte:
		t.escRow = int(b) - 32
		t.esc = escColByte
		return
	case escColByte:
		t.esc = escNone
		t.moveTo(t.escRow, int(b)-32)
		return
	}
	switch b {
	case 0x07: // BEL
		t.bell = true
	case 0x08: // BS, ADM-3A left
		t.wrap = false
		if t.col > 0 {
			t.col--
		}
	case 0x09: // TAB
		t.wrap = false
		t.col = min((t.col|7)+1, Cols-1)
	case 0x0A: // LF, ADM-3A down
		t.wrap = false
		t.lineFeed()
	case 0x0B: // ADM-3A up
		t.wrap = false
		if t.row > 0 {
			t.row--
		}
	case 0x0C: // ADM-3A right
		t.wrap = false
		if t.col < Cols-1 {
			t.col++
		}
	case 0x0D: // CR
		t.wrap = false
		t.col = 0
	case 0x1A: // ADM-3A clear screen
		t.clear()
	case 0x1B:
		t.esc = escStart
	case 0x1E: // ADM-3A home
		t.moveTo(0, 0)
	default:
		if b < 0x20 || b == 0x7F {
			return // other control characters do nothing
		}
		if t.wrap {
			t.wrap = false
			t.col = 0
			t.lineFeed()
		}
		t.cells[t.row][t.col] = b
		if t.col == Cols-1 {
			t.wrap = true
		} else {
			t.col++
		}
	}
}

// escape handles the byte after ESC.
func (t *Terminal) escape(b byte) {
	t.esc = escNone
	t.wrap = false
	switch b {
	case '=', 'Y': // cursor address: row and column follow
		t.esc = escRowByte
	case 'A':
		if t.row > 0 {
			t.row--
		}
	case 'B':
		if t.row < Rows-1 {
			t.row++
		}
	case 'C':
		if t.col < Cols-1 {
			t.col++
		}
	case 'D':
		if t.col > 0 {
			t.col--
		}
	case 'H':
		t.moveTo(0, 0)
	case 'J':
		t.clearEOL()
		for r := t.row + 1; r < Rows; r++ {
			t.clearRow(r)
		}
	case 'K', 'T':
		t.clearEOL()
	case 'E', '*':
		t.clear()
	case 'I': // reverse line feed: scroll down at the top
		if t.row > 0 {
			t.row--
		} else {
			copy(t.cells[1:], t.cells[:Rows-1])
			t.clearRow(0)
		}
	case 'e':
		t.visible = true
	case 'f':
		t.visible = false
	case 0x1B:
		t.esc = escStart // ESC ESC: the second one starts a sequence
	}
	// Anything else is ignored, as a real terminal would.
}

func (t *Terminal) moveTo(r, c int) {
	t.wrap = false
	t.row = max(0, min(r, Rows-1))
	t.col = max(0, min(c, Cols-1))
}

func (t *Terminal) lineFeed() {
	if t.row < Rows-1 {
		t.row++
		return
	}
	copy(t.cells[:], t.cells[1:])
	t.clearRow(Rows - 1)
}

func (t *Terminal) clearRow(r int) {
	for c := range t.cells[r] {
		t.cells[r][c] = ' '
	}
}

func (t *Terminal) clearEOL() {
	for c := t.col; c < Cols; c++ {
		t.cells[t.row][c] = ' '
	}
}

func (t *Terminal) clear() {
	for r := range t.cells {
		t.clearRow(r)
	}
	t.row, t.col, t.wrap = 0, 0, false
}

// Lines returns the screen: 24 strings of 80 characters.
func (t *Terminal) Lines() []string {
	out := make([]string, Rows)
	for r := range t.cells {
		out[r] = string(t.cells[r][:])
	}
	return out
}

// Cursor returns the cursor position (0-based) and whether it is shown.
func (t *Terminal) Cursor() (row, col int, visible bool) {
	return t.row, t.col, t.visible
}

// TakeBell reports whether BEL was written since the last call.
func (t *Terminal) TakeBell() bool {
	b := t.bell
	t.bell = false
	return b
}
