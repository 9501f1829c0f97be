package emu

import (
	"strings"
	"testing"
)

func termOf(s string) *Terminal {
	t := NewTerminal()
	t.Write([]byte(s))
	return t
}

func rowText(t *Terminal, r int) string { return strings.TrimRight(t.Lines()[r], " ") }

func TestTerminalBasics(t *testing.T) {
	tm := termOf("hello\r\nworld")
	if rowText(tm, 0) != "hello" || rowText(tm, 1) != "world" {
		t.Fatalf("%q", tm.Lines()[:2])
	}
	if r, c, v := tm.Cursor(); r != 1 || c != 5 || !v {
		t.Fatalf("cursor %d,%d %v", r, c, v)
	}
	for _, l := range tm.Lines() {
		if len(l) != Cols {
			t.Fatalf("line of %d characters", len(l))
		}
	}
	if len(tm.Lines()) != Rows {
		t.Fatalf("%d lines", len(tm.Lines()))
	}
	// BS moves left, the next character overwrites; TAB goes to column 8.
	tm = termOf("abc\b\bX\tY")
	if rowText(tm, 0) != "aXc     Y" {
		t.Fatalf("%q", rowText(tm, 0))
	}
	// BEL is a flag, taken once.
	tm = termOf("a\x07b")
	if rowText(tm, 0) != "ab" || !tm.TakeBell() || tm.TakeBell() {
		t.Fatal("bell")
	}
}

func TestTerminalScrollAndWrap(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 30; i++ {
		b.WriteString(strings.Repeat(string(rune('A'+i%26)), 3) + "\r\n")
	}
	tm := termOf(b.String())
	// 30 lines and a final LF: the first 7 scrolled away.
	if rowText(tm, 0) != "HHH" || rowText(tm, 22) != "DDD" || rowText(tm, 23) != "" {
		t.Fatalf("%q ... %q %q", rowText(tm, 0), rowText(tm, 22), rowText(tm, 23))
	}
	// A full line then CR LF: no empty line between.
	tm = termOf(strings.Repeat("x", 80) + "\r\ny")
	if rowText(tm, 1) != "y" {
		t.Fatalf("row 1 %q", rowText(tm, 1))
	}
	// 81 characters wrap the last one.
	tm = termOf(strings.Repeat("x", 80) + "z")
	if rowText(tm, 1) != "z" {
		t.Fatalf("row 1 %q", rowText(tm, 1))
	}
}

func TestTerminalADM3A(t *testing.T) {
	tm := termOf("junk\x1a" + "\x1b=" + string(rune(32+5)) + string(rune(32+10)) + "X\x1eH\x0bY")
	if rowText(tm, 5) != strings.Repeat(" ", 10)+"X" || rowText(tm, 0) != "HY" {
		t.Fatalf("%q %q", rowText(tm, 0), rowText(tm, 5))
	}
	if r, c, _ := tm.Cursor(); r != 0 || c != 2 {
		t.Fatalf("^K at the top stays: cursor %d,%d", r, c)
	}
	tm = termOf("ab\x0c\x0cc")
	if rowText(tm, 0) != "ab  c" {
		t.Fatalf("^L: %q", rowText(tm, 0))
	}
	// Addresses off the screen are clamped.
	tm = termOf("\x1b=\x7f\x7fZ")
	if r, c, _ := tm.Cursor(); r != Rows-1 || c != Cols-1 || tm.Lines()[Rows-1][Cols-1] != 'Z' {
		t.Fatalf("cursor %d,%d", r, c)
	}
}

func TestTerminalVT52(t *testing.T) {
	tm := termOf("line0\r\nline1\r\nline2")
	tm.Write([]byte("\x1bY" + string(rune(32+1)) + string(rune(32+2)) + "\x1bK"))
	if rowText(tm, 1) != "li" || rowText(tm, 2) != "line2" {
		t.Fatalf("ESC K: %q %q", rowText(tm, 1), rowText(tm, 2))
	}
	tm.Write([]byte("\x1bH\x1bC\x1bJ"))
	if rowText(tm, 0) != "l" || rowText(tm, 1) != "" || rowText(tm, 2) != "" {
		t.Fatalf("ESC J: %q", tm.Lines()[:3])
	}
	tm.Write([]byte("\x1bB\x1bBq\x1bA\x1bDp"))
	if rowText(tm, 1) != " p" || rowText(tm, 2) != " q" {
		t.Fatalf("ESC A/B/D: %q", tm.Lines()[:3])
	}
	tm.Write([]byte("\x1bf"))
	if _, _, v := tm.Cursor(); v {
		t.Fatal("ESC f must hide the cursor")
	}
	tm.Write([]byte("\x1be\x1bE"))
	if _, _, v := tm.Cursor(); !v || strings.TrimSpace(strings.Join(tm.Lines(), "")) != "" {
		t.Fatal("ESC e / ESC E")
	}
	// Reverse line feed at the top scrolls down.
	tm = termOf("top\x1bH\x1bI")
	if rowText(tm, 0) != "" || rowText(tm, 1) != "top" {
		t.Fatalf("ESC I: %q", tm.Lines()[:2])
	}
	// Unknown sequences are swallowed, not shown.
	tm = termOf("a\x1b!b")
	if rowText(tm, 0) != "ab" {
		t.Fatalf("%q", rowText(tm, 0))
	}
}

func TestLineEditor(t *testing.T) {
	cases := []struct {
		name, keys string
		max, col   int
		line, echo string
		res        editResult
		used       int // keys consumed
	}{
		{"plain", "abc\r", 10, 0, "abc", "abc\r", editDone, 4},
		{"LF ends too", "ab\n", 10, 0, "ab", "ab\r", editDone, 3},
		{"backspace", "abc\b\bx\r", 10, 0, "ax", "abc\b \b\b \bx\r", editDone, 7},
		{"DEL", "ab\x7f\r", 10, 0, "a", "ab\b \b\r", editDone, 4},
		{"BS at start", "\bq\r", 10, 0, "q", "q\r", editDone, 3},
		{"^X", "ab\x18cd\r", 10, 0, "cd", "ab\b \b\b \bcd\r", editDone, 6},
		{"^U", "ab\x15cd\r", 10, 2, "cd", "ab#\r\n  cd\r", editDone, 6},
		{"^R", "ab\x12\r", 10, 2, "ab", "ab#\r\n  ab\r", editDone, 4},
		{"^E", "a\x05b\r", 10, 0, "ab", "a\r\nb\r", editDone, 4},
		{"^C at start", "\x03", 10, 0, "", "", editAbort, 1},
		{"^C later", "a\x03\r", 10, 0, "a\x03", "a^C\r", editDone, 3},
		{"control shown as ^", "\x01\b\r", 10, 0, "", "^A\b \b\b \b\r", editDone, 3},
		{"full", "abcd", 3, 0, "abc", "abc\r", editDone, 3},
		{"zero max", "abc", 0, 0, "", "\r", editDone, 1},
		{"tab", "a\t\b\r", 10, 2, "a", "a\t\b \b\b \b\b \b\b \b\b \b\r", editDone, 4},
		{"unfinished", "abc", 10, 0, "abc", "abc", editMore, 3},
	}
	for _, tc := range cases {
		var e lineEditor
		e.reset(tc.max, tc.col)
		var echo []byte
		res, used := editMore, 0
		for i := 0; i < len(tc.keys) && res == editMore; i++ {
			res = e.feed(Key(tc.keys[i]), func(b byte) { echo = append(echo, b) })
			used++
		}
		if string(e.buf) != tc.line || string(echo) != tc.echo || res != tc.res || used != tc.used {
			t.Errorf("%s: line %q echo %q result %v used %d; want %q %q %v %d",
				tc.name, e.buf, echo, res, used, tc.line, tc.echo, tc.res, tc.used)
		}
	}
}
