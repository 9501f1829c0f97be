package emu

import (
	"strconv"
	"strings"
	"testing"

	"z80ulm/tools/asm"
)

// assemble assembles a test program written as Z80 source at 0100h with
// tools/asm: one instruction or directive a line, "label:" before it, ';'
// comments, "name equ value", and db taking "strings" too. Undocumented
// instructions (which tools/asm does not know) are written as db lines.
func assemble(tb testing.TB, src string) []byte {
	tb.Helper()
	a := asm.New(0x100)
	for n, line := range strings.Split(src, "\n") {
		if i := commentAt(line); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if f := strings.Fields(line); len(f) == 3 && strings.EqualFold(f[1], "equ") {
			v, err := parseNumber(f[2])
			if err != nil {
				tb.Fatalf("line %d: %v", n+1, err)
			}
			a.Equ(f[0], v)
			continue
		}
		if i := strings.IndexByte(line, ':'); i > 0 && !strings.ContainsAny(line[:i], " \t\"'(") {
			a.Label(line[:i])
			line = strings.TrimSpace(line[i+1:])
		}
		if line == "" {
			continue
		}
		if mn, rest, _ := strings.Cut(line, " "); strings.EqualFold(mn, "db") && strings.Contains(rest, "\"") {
			dbString(tb, a, rest)
			continue
		}
		a.I(line)
	}
	b, err := a.Assemble()
	if err != nil {
		tb.Fatalf("assemble: %v", err)
	}
	return b
}

// commentAt finds a ';' that starts a comment (not one inside quotes).
func commentAt(line string) int {
	q := byte(0)
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case q != 0 && c == q:
			q = 0
		case q != 0:
		case c == '"' || c == '\'':
			q = c
		case c == ';':
			return i
		}
	}
	return -1
}

// dbString places a db list of "strings" and expressions.
func dbString(tb testing.TB, a *asm.Asm, list string) {
	for list = strings.TrimSpace(list); list != ""; {
		if list[0] == '"' {
			end := strings.IndexByte(list[1:], '"')
			if end < 0 {
				tb.Fatalf("unterminated string in db %s", list)
			}
			a.Bytes([]byte(list[1 : 1+end]))
			list = list[2+end:]
		} else {
			item, rest, _ := strings.Cut(list, ",")
			a.DB(strings.TrimSpace(item))
			list = "," + rest
			if rest == "" {
				list = ""
			}
		}
		list = strings.TrimPrefix(strings.TrimSpace(list), ",")
		list = strings.TrimSpace(list)
	}
}

func parseNumber(s string) (int, error) {
	if h, ok := strings.CutSuffix(strings.ToLower(s), "h"); ok {
		v, err := strconv.ParseInt(h, 16, 32)
		return int(v), err
	}
	v, err := strconv.Atoi(s)
	return v, err
}

// Routines the test programs share.
const (
	// hexa prints A as two hex digits and a space; it keeps A.
	hexaSource = `
hexa:   push af
        rrca
        rrca
        rrca
        rrca
        call nib
        pop af
        push af
        call nib
        ld e,' '
        ld c,2
        call 5
        pop af
        ret
nib:    and 0Fh
        add a,90h
        daa
        adc a,40h
        daa
        ld e,a
        ld c,2
        call 5
        ret
`
	// print prints the $-terminated string at DE.
	printSource = `
print:  ld c,9
        call 5
        ret
`
)

func TestAssembleHelper(t *testing.T) {
	got := assemble(t, `
n       equ 10h
start:  ld a,n          ; a comment; with a semicolon
        jr start
msg:    db "A;B$",13,'x'
`)
	want := []byte{0x3E, 0x10, 0x18, 0xFC, 'A', ';', 'B', '$', 13, 'x'}
	if string(got) != string(want) {
		t.Fatalf("% X, want % X", got, want)
	}
}
