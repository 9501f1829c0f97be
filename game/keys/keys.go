// Package keys turns what a keyboard or a clipboard delivers into what a
// CP/M console takes from its terminal: bytes, the named keys the machine
// turns into line editing (emu.Key), and the front end's own keys
// (docs/DESIGN.md, "The front ends").
package keys

import (
	"strings"

	"z80ulm/emu"
)

// Action is a key that belongs to the front end, not the machine.
type Action int

const (
	NoAction Action = iota
	Turbo           // F2: run unthrottled / at 4 MHz
	CRT             // F3: the CRT look on / off
)

// Input is what one key press gives: text for the console, a named key, a
// front-end action, or a character with no ASCII form (shown as ignored,
// never sent). The zero Input is a key the console does not take.
type Input struct {
	Text    string
	Key     emu.Key
	HasKey  bool
	Action  Action
	Ignored rune
}

// None reports whether the press gives nothing at all (the browser then
// keeps its default: a dead key starts a composition, Ctrl+V pastes).
func (in Input) None() bool {
	return in.Text == "" && !in.HasKey && in.Action == NoAction && in.Ignored == 0
}

// named maps the browser's names of the keys a CP/M console understands.
// CP/M's line editor takes ^H as backspace; Esc, Delete, the arrows and
// Home/End are named keys, which the machine turns into line editing in
// a line read and into WordStar keys in a raw read, so that Esc never
// lands in a question as ^[.
var named = map[string]Input{
	"Enter":      {Text: "\r"},
	"Backspace":  {Text: "\b"},
	"Tab":        {Text: "\t"},
	"Escape":     {Key: emu.KeyEsc, HasKey: true},
	"Delete":     {Key: emu.KeyDelete, HasKey: true},
	"ArrowLeft":  {Key: emu.KeyLeft, HasKey: true},
	"ArrowRight": {Key: emu.KeyRight, HasKey: true},
	"ArrowUp":    {Key: emu.KeyUp, HasKey: true},
	"ArrowDown":  {Key: emu.KeyDown, HasKey: true},
	"Home":       {Key: emu.KeyHome, HasKey: true},
	"End":        {Key: emu.KeyEnd, HasKey: true},
	"F2":         {Action: Turbo},
	"F3":         {Action: CRT},
}

// FromBrowser translates a browser keydown event (its key property and
// modifier state) into an Input. Ctrl+letter gives the control codes
// 1..26, except Ctrl+V, which is the browser's paste; Alt and Meta
// combinations belong to the browser.
func FromBrowser(key string, ctrl, alt, meta bool) Input {
	if alt || meta {
		return Input{}
	}
	if ctrl {
		if len(key) == 1 {
			c := key[0] | 0x20
			if c >= 'a' && c <= 'z' && c != 'v' {
				return Input{Text: string(rune(c - 'a' + 1))}
			}
		}
		return Input{}
	}
	if in, ok := named[key]; ok {
		return in
	}
	// One character (the key property of a printable key): itself, its
	// ASCII form, or ignored. Longer names ("Dead", "Shift", "F5",
	// "Unidentified") give nothing.
	rs := []rune(key)
	if len(rs) != 1 {
		return Input{}
	}
	if s, ok := ascii(rs[0]); ok {
		return Input{Text: s}
	}
	if rs[0] < 0x20 || rs[0] == 0x7F {
		return Input{}
	}
	return Input{Ignored: rs[0]}
}

// Text turns text from outside (a paste, a script, the browser's input
// events and type()) into what a terminal sends: line ends become CR, tabs,
// backspaces and ^C stay, characters outside ASCII are transliterated or
// returned as ignored, and other control characters are dropped so that a
// stray byte cannot confuse the program.
func Text(s string) (out string, ignored []rune) {
	s = strings.ReplaceAll(s, "\r\n", "\r")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte('\r')
		case r == '\t' || r == '\b' || r == 0x03:
			b.WriteByte(byte(r))
		default:
			if a, ok := ascii(r); ok {
				b.WriteString(a)
			} else if r >= 0xA0 {
				ignored = append(ignored, r)
			}
		}
	}
	return b.String(), ignored
}
