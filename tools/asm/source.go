package asm

import (
	"fmt"
	"strings"
)

// Source assembles a program written as source text, loaded at org: one
// instruction or directive a line (as I takes them), "label:" before it,
// ';' comments, "name equ number" constants, and db taking "strings"
// besides expressions. Errors name their line (those found when labels
// are resolved name the instruction's address and text).
func Source(org uint16, src string) ([]byte, error) {
	a := New(org)
	for n, line := range strings.Split(src, "\n") {
		before := len(a.errs)
		if err := a.sourceLine(line); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		for i := before; i < len(a.errs); i++ {
			a.errs[i] = fmt.Errorf("line %d: %w", n+1, a.errs[i])
		}
	}
	return a.Assemble()
}

// sourceLine places one line of source.
func (a *Asm) sourceLine(line string) error {
	if i := commentAt(line); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if f := strings.Fields(line); len(f) == 3 && strings.EqualFold(f[1], "equ") {
		v, ok := parseNumber(f[2])
		if !ok {
			return fmt.Errorf("equ: bad number %q", f[2])
		}
		a.Equ(f[0], v)
		return nil
	}
	if i := strings.IndexByte(line, ':'); i > 0 && !strings.ContainsAny(line[:i], " \t\"'(") {
		a.Label(line[:i])
		line = strings.TrimSpace(line[i+1:])
	}
	if line == "" {
		return nil
	}
	if mn, rest, _ := strings.Cut(line, " "); strings.EqualFold(mn, "db") && strings.Contains(rest, "\"") {
		return a.dbList(rest)
	}
	a.I(line)
	return nil
}

// commentAt finds the ';' that starts a comment (not one inside quotes).
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

// dbList places a db list of "strings" and expressions.
func (a *Asm) dbList(list string) error {
	for list = strings.TrimSpace(list); list != ""; list = strings.TrimSpace(list) {
		if list[0] == '"' {
			end := strings.IndexByte(list[1:], '"')
			if end < 0 {
				return fmt.Errorf("db: unterminated string %s", list)
			}
			a.Bytes([]byte(list[1 : 1+end]))
			list = strings.TrimSpace(list[2+end:])
		} else {
			item, rest, _ := strings.Cut(list, ",")
			a.DB(strings.TrimSpace(item))
			list = "," + rest
			if rest == "" {
				list = ""
			}
		}
		if list != "" && list[0] != ',' {
			return fmt.Errorf("db: expected a comma at %q", list)
		}
		list = strings.TrimPrefix(list, ",")
	}
	return nil
}
