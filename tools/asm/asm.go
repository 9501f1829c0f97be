// Package asm is a Z80 assembler driven from Go: code generators write the
// program one instruction at a time in ordinary Z80 syntax,
//
//	a := asm.New(0x100)
//	a.Label("loop")
//	a.I("ld a,(hl)", "next accumulator byte")
//	a.I("djnz loop")
//
// so that generated code reads like a listing. Labels may be used before
// they are defined (their uses are fixed up by Assemble), and ORG, ALIGN,
// DB, DW and DS place data. Every documented Z80 instruction is accepted;
// its encoding and T-states come from one table (opcodes.go) that the tests
// check against the Zilog manual and against pasmo. Listing shows address,
// bytes, T-states, source and comment of every line.
package asm

import (
	"errors"
	"fmt"
	"strings"
)

// Asm collects a program; Assemble resolves labels and returns the bytes.
type Asm struct {
	org    int
	pc     int
	items  []*item
	labels map[string]int
	errs   []error
	image  []byte // set by Assemble
	done   bool
}

type itemKind int

const (
	kInstr itemKind = iota
	kData           // literal bytes
	kWords          // dw expressions
	kBytes          // db expressions
	kLabel
	kComment
)

type item struct {
	kind    itemKind
	addr    int
	size    int
	op      *Op
	n, d    *expr
	data    []byte
	exprs   []*expr
	text    string
	comment string
}

// New starts a program that is loaded at org.
func New(org uint16) *Asm {
	return &Asm{org: int(org), pc: int(org), labels: map[string]int{}}
}

// PC is the address the next instruction or data byte will get.
func (a *Asm) PC() int { return a.pc }

// Org is the load address given to New.
func (a *Asm) Org() int { return a.org }

func (a *Asm) errorf(format string, args ...any) {
	a.errs = append(a.errs, fmt.Errorf("%04X: "+format, append([]any{a.pc}, args...)...))
}

// Label defines name at the current address.
func (a *Asm) Label(name string) {
	a.define(name, a.pc)
	a.items = append(a.items, &item{kind: kLabel, addr: a.pc, text: name})
}

// Equ defines name as a constant (an address outside the image, a size).
func (a *Asm) Equ(name string, v int) { a.define(name, v) }

func (a *Asm) define(name string, v int) {
	if name == "" || !isIdent(name[0]) || (name[0] >= '0' && name[0] <= '9') {
		a.errorf("bad label name %q", name)
		return
	}
	if _, reg := registers[strings.ToLower(name)]; reg {
		a.errorf("label %q is a register or condition name", name)
		return
	}
	if _, dup := a.labels[name]; dup {
		a.errorf("label %q defined twice", name)
		return
	}
	a.labels[name] = v
}

// Value returns a label's value (after it has been defined).
func (a *Asm) Value(name string) (int, bool) {
	v, ok := a.labels[name]
	return v, ok
}

// Comment puts a comment line into the listing.
func (a *Asm) Comment(text string) {
	a.items = append(a.items, &item{kind: kComment, addr: a.pc, text: text})
}

// OrgAt moves the address forward to addr (ORG), filling the gap with zero bytes.
func (a *Asm) OrgAt(addr int) {
	if addr < a.pc {
		a.errorf("org %04X is below the current address", addr)
		return
	}
	if addr > a.pc {
		a.DS(addr - a.pc)
	}
}

// Align moves to the next multiple of n (a power of two), zero-filled.
func (a *Asm) Align(n int) {
	if n <= 0 || n&(n-1) != 0 {
		a.errorf("align %d: not a power of two", n)
		return
	}
	a.OrgAt((a.pc + n - 1) &^ (n - 1))
}

// DS reserves n zero bytes.
func (a *Asm) DS(n int, comment ...string) {
	if n < 0 {
		a.errorf("ds %d: negative size", n)
		return
	}
	a.Bytes(make([]byte, n), comment...)
	a.items[len(a.items)-1].text = fmt.Sprintf("ds %d", n)
}

// Bytes places literal data.
func (a *Asm) Bytes(b []byte, comment ...string) {
	it := &item{kind: kData, addr: a.pc, size: len(b), data: append([]byte(nil), b...),
		comment: strings.Join(comment, " ")}
	it.text = fmt.Sprintf("db %d bytes", len(b))
	a.items = append(a.items, it)
	a.advance(len(b))
}

// DB places bytes; each argument is an expression (number, label, lo(x)).
func (a *Asm) DB(exprs ...string) { a.list(kBytes, 1, exprs, "") }

// DW places little-endian words; each argument is an expression.
func (a *Asm) DW(exprs ...string) { a.list(kWords, 2, exprs, "") }

func (a *Asm) list(k itemKind, width int, exprs []string, comment string) {
	it := &item{kind: k, addr: a.pc, size: width * len(exprs), comment: comment}
	name := map[itemKind]string{kBytes: "db", kWords: "dw"}[k]
	it.text = name + " " + strings.Join(exprs, ",")
	for _, s := range exprs {
		e, err := parseExpr(s)
		if err != nil {
			a.errorf("%s: %v", it.text, err)
			return
		}
		it.exprs = append(it.exprs, e)
	}
	a.items = append(a.items, it)
	a.advance(it.size)
}

func (a *Asm) advance(n int) {
	a.pc += n
	if a.pc > 0x10000 {
		a.errorf("program passes the end of memory")
	}
}

// I assembles one instruction (or a db/dw/ds line) written in Z80 syntax;
// the optional comment goes into the listing.
func (a *Asm) I(text string, comment ...string) {
	c := strings.Join(comment, " ")
	src := strings.TrimSpace(text)
	mn, rest, _ := strings.Cut(src, " ")
	mn = strings.ToLower(mn)
	ops := splitOperands(rest)
	switch mn {
	case "db", "defb":
		a.list(kBytes, 1, ops, c)
		return
	case "dw", "defw":
		a.list(kWords, 2, ops, c)
		return
	case "ds", "defs":
		if len(ops) != 1 {
			a.errorf("%s: ds takes one size", src)
			return
		}
		e, err := parseExpr(ops[0])
		if err == nil {
			var n int
			n, err = e.eval(a.Value, a.pc)
			if err == nil {
				a.DS(n, c)
				return
			}
		}
		a.errorf("%s: %v", src, err)
		return
	}
	form, n, d, err := a.normalize(mn, ops)
	if err != nil {
		a.errorf("%s: %v", src, err)
		return
	}
	op, ok := table[form]
	if !ok {
		a.errorf("%s: no such instruction (form %q)", src, form)
		return
	}
	it := &item{kind: kInstr, addr: a.pc, size: op.Size(), op: op, n: n, d: d, text: src, comment: c}
	a.items = append(a.items, it)
	a.advance(it.size)
}

// registers are the operand words that are not expressions.
var registers = map[string]bool{
	"a": true, "b": true, "c": true, "d": true, "e": true, "h": true, "l": true,
	"i": true, "r": true, "af": true, "af'": true, "bc": true, "de": true, "hl": true,
	"sp": true, "ix": true, "iy": true, "nz": true, "z": true, "nc": true,
	"po": true, "pe": true, "p": true, "m": true,
}

// splitOperands splits at top-level commas (not inside parentheses or a
// character constant).
func splitOperands(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			if i+2 < len(s) && s[i+2] == '\'' {
				i += 2
			}
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// normalize turns the operands into the table's form text, returning the
// immediate (N) and displacement (D) expressions.
func (a *Asm) normalize(mn string, ops []string) (form string, n, d *expr, err error) {
	keys := make([]string, len(ops))
	for i, op := range ops {
		lo := strings.ToLower(op)
		if op == "" {
			return "", nil, nil, errors.New("empty operand")
		}
		// bit number, rst vector and interrupt mode are part of the opcode.
		if i == 0 && (mn == "bit" || mn == "res" || mn == "set" || mn == "rst" || mn == "im") {
			e, err := parseExpr(op)
			if err != nil {
				return "", nil, nil, err
			}
			v, err := e.eval(a.Value, a.pc)
			if err != nil {
				return "", nil, nil, fmt.Errorf("%s needs a constant: %v", mn, err)
			}
			keys[i] = fmt.Sprint(v)
			continue
		}
		if registers[lo] {
			keys[i] = lo
			continue
		}
		if strings.HasPrefix(op, "(") && strings.HasSuffix(op, ")") && closes(op) {
			in := strings.TrimSpace(op[1 : len(op)-1])
			lin := strings.ToLower(in)
			switch {
			case lin == "hl" || lin == "bc" || lin == "de" || lin == "sp" || lin == "c":
				keys[i] = "(" + lin + ")"
			case (lin == "ix" || lin == "iy") && mn == "jp":
				keys[i] = "(" + lin + ")"
			case lin == "ix" || lin == "iy":
				keys[i] = "(" + lin + "+D)"
				d = &expr{text: "0", terms: []term{{num: 0}}}
			case len(lin) > 2 && (lin[:2] == "ix" || lin[:2] == "iy") &&
				(strings.TrimSpace(lin[2:])[0] == '+' || strings.TrimSpace(lin[2:])[0] == '-'):
				keys[i] = "(" + lin[:2] + "+D)"
				if d, err = parseExpr(in[2:]); err != nil {
					return "", nil, nil, err
				}
			default:
				keys[i] = "(N)"
				if n != nil {
					return "", nil, nil, errors.New("two immediate operands")
				}
				if n, err = parseExpr(in); err != nil {
					return "", nil, nil, err
				}
			}
			continue
		}
		keys[i] = "N"
		if n != nil {
			return "", nil, nil, errors.New("two immediate operands")
		}
		if n, err = parseExpr(op); err != nil {
			return "", nil, nil, err
		}
	}
	form = mn
	if len(keys) > 0 {
		form += " " + strings.Join(keys, ",")
	}
	return form, n, d, nil
}

// closes reports whether the '(' at s[0] is closed by the last byte.
func closes(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i == len(s)-1
			}
		}
	}
	return false
}

// Assemble resolves every label use and returns the program's bytes, from
// the origin to the last byte placed. All errors are reported together.
func (a *Asm) Assemble() ([]byte, error) {
	img := make([]byte, a.pc-a.org)
	errs := append([]error(nil), a.errs...)
	for _, it := range a.items {
		at := it.addr - a.org
		fail := func(err error) {
			errs = append(errs, fmt.Errorf("%04X: %s: %v", it.addr, it.text, err))
		}
		switch it.kind {
		case kData:
			copy(img[at:], it.data)
		case kBytes, kWords:
			w := it.size / max(1, len(it.exprs))
			for k, e := range it.exprs {
				v, err := e.eval(a.Value, it.addr)
				if err != nil {
					fail(err)
					continue
				}
				if w == 1 {
					if v < -128 || v > 255 {
						fail(fmt.Errorf("%s = %d does not fit in a byte", e.text, v))
					}
					img[at+k] = byte(v)
				} else {
					if v < -32768 || v > 65535 {
						fail(fmt.Errorf("%s = %d does not fit in a word", e.text, v))
					}
					img[at+2*k], img[at+2*k+1] = byte(v), byte(v>>8)
				}
			}
		case kInstr:
			if err := a.encode(img[at:at+it.size], it); err != nil {
				fail(err)
			}
		}
	}
	a.image = img
	a.done = true
	if len(errs) > 0 {
		if len(errs) > 20 {
			errs = append(errs[:20], fmt.Errorf("... and %d more errors", len(errs)-20))
		}
		return nil, errors.Join(errs...)
	}
	return img, nil
}

// operandRange is what each kind of operand may hold, and the error when it
// does not (a relative jump's operand is its distance).
var operandRange = map[int]struct {
	lo, hi int
	msg    string
}{
	tokN:  {-128, 255, "%s = %d does not fit in a byte"},
	tokNN: {-32768, 65535, "%s = %d does not fit in 16 bits"},
	tokD:  {-128, 127, "index displacement %s = %d outside -128..127"},
	tokE:  {-128, 127, "target %s is %d bytes away: relative jumps reach -128..127"},
}

func (a *Asm) encode(out []byte, it *item) error {
	k := 0
	for _, t := range it.op.Enc {
		if t >= 0 {
			out[k] = byte(t)
			k++
			continue
		}
		e := it.n
		if t == tokD {
			e = it.d
		}
		v, err := e.eval(a.Value, it.addr)
		if err != nil {
			return err
		}
		if t == tokE {
			v -= it.addr + it.size
		}
		if r := operandRange[t]; v < r.lo || v > r.hi {
			return fmt.Errorf(r.msg, e.text, v)
		}
		out[k] = byte(v)
		if t == tokNN {
			k++
			out[k] = byte(v >> 8)
		}
		k++
	}
	return nil
}

// Listing returns the listing of the assembled program: address, bytes,
// T-states, source and comment per line. Call it after Assemble.
func (a *Asm) Listing() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ADDR  BYTES        T      SOURCE\n")
	for _, it := range a.items {
		switch it.kind {
		case kLabel:
			fmt.Fprintf(&b, "%04X                     %s:\n", it.addr, it.text)
			continue
		case kComment:
			fmt.Fprintf(&b, "                         ; %s\n", it.text)
			continue
		}
		bytes := a.bytesAt(it.addr, it.size)
		tt := ""
		if it.kind == kInstr {
			tt = it.op.Timing()
		}
		line := it.text
		if it.comment != "" {
			line = fmt.Sprintf("%-28s ; %s", line, it.comment)
		}
		first := min(len(bytes), 4)
		fmt.Fprintf(&b, "%04X  %-12s %-6s %s\n", it.addr, hexBytes(bytes[:first]), tt, line)
		for k := first; k < len(bytes); k += 8 {
			if k >= 36 && len(bytes) > 64 {
				// Long data: the start is enough to recognise it.
				fmt.Fprintf(&b, "      ... %d bytes in all, up to %04X\n", len(bytes), it.addr+len(bytes)-1)
				break
			}
			fmt.Fprintf(&b, "%04X  %s\n", it.addr+k, hexBytes(bytes[k:min(len(bytes), k+8)]))
		}
	}
	return b.String()
}

func (a *Asm) bytesAt(addr, n int) []byte {
	if !a.done || addr-a.org+n > len(a.image) {
		return make([]byte, n)
	}
	return a.image[addr-a.org : addr-a.org+n]
}

func hexBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, " ")
}

// Symbol is a label of the program.
type Symbol struct {
	Name string
	Addr int
}

// Symbols lists the labels placed with Label, in address order.
func (a *Asm) Symbols() []Symbol {
	var s []Symbol
	for _, it := range a.items {
		if it.kind == kLabel {
			s = append(s, Symbol{it.text, it.addr})
		}
	}
	return s
}
