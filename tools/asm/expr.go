package asm

import (
	"fmt"
	"strconv"
	"strings"
)

// expr is an operand expression: a sum of signed terms, each a number, a
// label, '$' (the address of the current instruction), or lo(expr) /
// hi(expr). Labels may be defined after use; the value is computed when
// the program is assembled.
type expr struct {
	text  string
	terms []term
}

type term struct {
	neg   bool
	num   int
	label string // "" for a number
	fn    string // "lo", "hi" or ""
	inner *expr  // argument of fn
	here  bool   // '$'
}

// parseExpr parses s; it never panics on bad text.
func parseExpr(s string) (*expr, error) {
	s = strings.TrimSpace(s)
	e := &expr{text: s}
	if s == "" {
		return nil, fmt.Errorf("missing operand")
	}
	i := 0
	neg := false
	first := true
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if !first || (i < len(s) && (s[i] == '-' || s[i] == '+')) {
			if i >= len(s) {
				return nil, fmt.Errorf("expression %q ends with an operator", s)
			}
			switch s[i] {
			case '+':
				neg = false
			case '-':
				neg = true
			default:
				return nil, fmt.Errorf("expression %q: expected + or - at %q", s, s[i:])
			}
			i++
			for i < len(s) && s[i] == ' ' {
				i++
			}
		}
		first = false
		if i >= len(s) {
			return nil, fmt.Errorf("expression %q ends with an operator", s)
		}
		t := term{neg: neg}
		j := i
		switch {
		case s[i] == '$' && (i+1 == len(s) || !isHex(s[i+1])):
			t.here = true
			j = i + 1
		case s[i] == '\'':
			if i+2 >= len(s) || s[i+2] != '\'' {
				return nil, fmt.Errorf("expression %q: bad character constant", s)
			}
			t.num = int(s[i+1])
			j = i + 3
		default:
			if s[j] == '%' {
				j++
			}
			for j < len(s) && (isIdent(s[j]) || s[j] == '$') {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("expression %q: unexpected %q", s, s[i:])
			}
			word := s[i:j]
			if (word == "lo" || word == "hi") && j < len(s) && s[j] == '(' {
				depth, k := 0, j
				for ; k < len(s); k++ {
					if s[k] == '(' {
						depth++
					} else if s[k] == ')' {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				if k == len(s) {
					return nil, fmt.Errorf("expression %q: unclosed %s(", s, word)
				}
				in, err := parseExpr(s[j+1 : k])
				if err != nil {
					return nil, err
				}
				t.fn, t.inner = word, in
				j = k + 1
			} else if v, ok := parseNumber(word); ok {
				t.num = v
			} else if word[0] >= '0' && word[0] <= '9' {
				return nil, fmt.Errorf("expression %q: bad number %q", s, word)
			} else {
				t.label = word
			}
		}
		e.terms = append(e.terms, t)
		i = j
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			return e, nil
		}
	}
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseNumber accepts 123, 0x7B, 7Bh (leading digit), $7B and %0101.
func parseNumber(w string) (int, bool) {
	lw := strings.ToLower(w)
	base, digits := 10, lw
	switch {
	case strings.HasPrefix(lw, "0x"):
		base, digits = 16, lw[2:]
	case strings.HasPrefix(lw, "$"):
		base, digits = 16, lw[1:]
	case strings.HasPrefix(lw, "%"):
		base, digits = 2, lw[1:]
	case strings.HasSuffix(lw, "h") && lw[0] >= '0' && lw[0] <= '9':
		base, digits = 16, lw[:len(lw)-1]
	}
	if digits == "" || lw[0] == '_' {
		return 0, false
	}
	v, err := strconv.ParseInt(digits, base, 32)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// eval computes the value; lookup resolves labels, here is '$'.
func (e *expr) eval(lookup func(string) (int, bool), here int) (int, error) {
	v := 0
	for _, t := range e.terms {
		var x int
		switch {
		case t.here:
			x = here
		case t.fn != "":
			in, err := t.inner.eval(lookup, here)
			if err != nil {
				return 0, err
			}
			if t.fn == "lo" {
				x = in & 0xFF
			} else {
				x = (in >> 8) & 0xFF
			}
		case t.label != "":
			l, ok := lookup(t.label)
			if !ok {
				return 0, fmt.Errorf("undefined label %q", t.label)
			}
			x = l
		default:
			x = t.num
		}
		if t.neg {
			v -= x
		} else {
			v += x
		}
	}
	return v, nil
}
