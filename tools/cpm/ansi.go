package main

import (
	"fmt"
	"io"

	"z80ulm/emu"
)

// ansiWriter translates the ADM-3A and VT52 screen codes CP/M programs use
// (the ones package emu's Terminal understands) into the ANSI sequences of
// today's terminals. It is used only when standard output is a terminal;
// piped output stays byte for byte what the program printed.
type ansiWriter struct {
	w     io.Writer
	state int // 0 normal, 1 after ESC, 2 row next, 3 column next
	row   int
}

func (a *ansiWriter) Write(p []byte) (int, error) {
	var out []byte
	for _, b := range p {
		b &= 0x7F
		switch a.state {
		case 1:
			a.state = 0
			switch b {
			case '=', 'Y':
				a.state = 2
			case 'A', 'B', 'C', 'D', 'H', 'J', 'K':
				out = append(out, 0x1B, '[', b)
			case 'T':
				out = append(out, "\x1b[K"...)
			case 'E', '*':
				out = append(out, "\x1b[H\x1b[2J"...)
			case 'I':
				out = append(out, 0x1B, 'M')
			case 'e':
				out = append(out, "\x1b[?25h"...)
			case 'f':
				out = append(out, "\x1b[?25l"...)
			case 0x1B:
				a.state = 1
			}
		case 2:
			a.row = int(b) - 32
			a.state = 3
		case 3:
			a.state = 0
			r, c := max(0, min(a.row, 23)), max(0, min(int(b)-32, 79))
			out = fmt.Appendf(out, "\x1b[%d;%dH", r+1, c+1)
		default:
			switch b {
			case 0x1B:
				a.state = 1
			case 0x1A: // ADM-3A clear screen
				out = append(out, "\x1b[H\x1b[2J"...)
			case 0x1E: // ADM-3A home
				out = append(out, "\x1b[H"...)
			case 0x0B: // ADM-3A up
				out = append(out, "\x1b[A"...)
			case 0x0C: // ADM-3A right
				out = append(out, "\x1b[C"...)
			default:
				out = append(out, b)
			}
		}
	}
	if _, err := a.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ansiKeys are the sequences today's terminals send for the keys the
// machine knows (emu.Key), in both the ESC [ and the ESC O forms.
var ansiKeys = map[string]emu.Key{
	"\x1b[A": emu.KeyUp, "\x1b[B": emu.KeyDown, "\x1b[C": emu.KeyRight, "\x1b[D": emu.KeyLeft,
	"\x1bOA": emu.KeyUp, "\x1bOB": emu.KeyDown, "\x1bOC": emu.KeyRight, "\x1bOD": emu.KeyLeft,
	"\x1b[H": emu.KeyHome, "\x1b[F": emu.KeyEnd, "\x1bOH": emu.KeyHome, "\x1bOF": emu.KeyEnd,
	"\x1b[1~": emu.KeyHome, "\x1b[7~": emu.KeyHome, "\x1b[4~": emu.KeyEnd, "\x1b[8~": emu.KeyEnd,
	"\x1b[3~": emu.KeyDelete,
}

// decodeKey reads a key sequence at the start of b: the key and its
// length, or n = 0 if b does not start with ESC. An ESC that starts no
// sequence this machine knows is the Esc key alone.
func decodeKey(b []byte) (k emu.Key, n int) {
	if len(b) == 0 || b[0] != 0x1B {
		return 0, 0
	}
	for seq, key := range ansiKeys {
		if len(b) >= len(seq) && string(b[:len(seq)]) == seq {
			return key, len(seq)
		}
	}
	return emu.KeyEsc, 1
}
