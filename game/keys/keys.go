// Package keys turns what a keyboard or a clipboard delivers into the bytes
// a CP/M console expects from its terminal.
package keys

import "strings"

// FromBrowser translates a browser keydown event (its key property and
// modifier state) into what a terminal sends, "" for keys the console does
// not take. Ctrl+letter gives the control codes 1..26; Alt and Meta
// combinations belong to the browser and the front end.
func FromBrowser(key string, ctrl, alt, meta bool) string {
	if alt || meta {
		return ""
	}
	if ctrl {
		if len(key) == 1 {
			c := key[0] | 0x20
			if c >= 'a' && c <= 'z' {
				return string(rune(c - 'a' + 1))
			}
		}
		return ""
	}
	switch key {
	case "Enter":
		return "\r"
	case "Backspace":
		return "\b"
	case "Tab":
		return "\t"
	case "Escape":
		return "\x1b"
	case "Delete":
		return "\x7f"
	}
	if len(key) == 1 && key[0] >= 0x20 && key[0] < 0x7F {
		return key
	}
	return ""
}

// Text turns text from outside (a paste, a script, the browser's
// type()) into what a terminal would send: line ends become CR, tabs stay,
// other control characters and anything outside ASCII are dropped so that
// a stray byte cannot confuse the program.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\r")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte('\r')
		case r == '\t' || r == 0x08 || r == 0x1B || r == 0x03:
			b.WriteByte(byte(r))
		case r >= 0x20 && r < 0x7F:
			b.WriteRune(r)
		}
	}
	return b.String()
}
