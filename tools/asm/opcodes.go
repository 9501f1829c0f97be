package asm

import (
	"fmt"
	"sort"
)

// Encoding tokens: a non-negative value is a literal byte; the negative
// ones are filled from the instruction's operands when it is assembled.
const (
	tokN  = -1 // 8-bit immediate (the operand written N or (N))
	tokNN = -2 // 16-bit immediate, little-endian
	tokD  = -3 // signed displacement of (ix+D) / (iy+D)
	tokE  = -4 // relative jump target: offset from the next instruction
)

// Op is one instruction form: its encoding and its duration in T-states
// (Zilog UM0080). Taken is the duration when a conditional branch is taken
// or a block instruction repeats; 0 for unconditional forms.
type Op struct {
	Form  string // normalized text, e.g. "ld a,(ix+D)", "jr nz,N"
	Enc   []int  // literal bytes and tokens
	T     int    // T-states (not-taken / last iteration for conditional forms)
	Taken int    // T-states when the branch is taken or the block repeats
}

// Size is the number of bytes the instruction occupies.
func (o *Op) Size() int {
	n := 0
	for _, t := range o.Enc {
		if t == tokNN {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Timing formats the T-states as the listing shows them: "12/7" for a
// conditional branch (taken/not taken), "21/16" for a repeating block op.
func (o *Op) Timing() string {
	if o.Taken != 0 {
		return fmt.Sprintf("%d/%d", o.Taken, o.T)
	}
	return fmt.Sprint(o.T)
}

// table maps every documented instruction form the assembler accepts to
// its encoding. It is generated from the regular structure of the opcode
// map (register fields r, rp, cc, alu) so that the bytes come from one
// place; the tests compare it against an independent list written from the
// manual and against pasmo.
var table = buildTable()

// Forms lists every instruction form the assembler accepts, sorted.
func Forms() []*Op {
	ops := make([]*Op, 0, len(table))
	for _, o := range table {
		ops = append(ops, o)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Form < ops[j].Form })
	return ops
}

// Lookup returns the form with the given normalized text.
func Lookup(form string) (*Op, bool) {
	o, ok := table[form]
	return o, ok
}

var (
	r8   = []string{"b", "c", "d", "e", "h", "l", "(hl)", "a"}
	rp   = []string{"bc", "de", "hl", "sp"}
	rp2  = []string{"bc", "de", "hl", "af"}
	cond = []string{"nz", "z", "nc", "c", "po", "pe", "p", "m"}
	alu  = []string{"add a,", "adc a,", "sub ", "sbc a,", "and ", "xor ", "or ", "cp "}
	rot  = []string{"rlc", "rrc", "rl", "rr", "sla", "sra", "", "srl"} // 6 = undocumented sll
)

func buildTable() map[string]*Op {
	t := map[string]*Op{}
	add := func(form string, tt, taken int, enc ...int) {
		if _, dup := t[form]; dup {
			panic("asm: duplicate form " + form)
		}
		t[form] = &Op{Form: form, Enc: enc, T: tt, Taken: taken}
	}
	// Unprefixed block.
	add("nop", 4, 0, 0x00)
	add("halt", 4, 0, 0x76)
	add("di", 4, 0, 0xF3)
	add("ei", 4, 0, 0xFB)
	add("exx", 4, 0, 0xD9)
	add("ex af,af'", 4, 0, 0x08)
	add("ex de,hl", 4, 0, 0xEB)
	add("ex (sp),hl", 19, 0, 0xE3)
	add("jp (hl)", 4, 0, 0xE9)
	add("ld sp,hl", 6, 0, 0xF9)
	for i, m := range []string{"rlca", "rrca", "rla", "rra", "daa", "cpl", "scf", "ccf"} {
		add(m, 4, 0, 0x07+8*i)
	}
	for p, r := range rp {
		add("ld "+r+",N", 10, 0, 0x01+16*p, tokNN)
		add("inc "+r, 6, 0, 0x03+16*p)
		add("dec "+r, 6, 0, 0x0B+16*p)
		add("add hl,"+r, 11, 0, 0x09+16*p)
	}
	for p, r := range rp2 {
		add("push "+r, 11, 0, 0xC5+16*p)
		add("pop "+r, 10, 0, 0xC1+16*p)
	}
	add("ld (bc),a", 7, 0, 0x02)
	add("ld (de),a", 7, 0, 0x12)
	add("ld a,(bc)", 7, 0, 0x0A)
	add("ld a,(de)", 7, 0, 0x1A)
	add("ld (N),hl", 16, 0, 0x22, tokNN)
	add("ld hl,(N)", 16, 0, 0x2A, tokNN)
	add("ld (N),a", 13, 0, 0x32, tokNN)
	add("ld a,(N)", 13, 0, 0x3A, tokNN)
	for y, r := range r8 {
		mem := r == "(hl)"
		tIncDec, tLdN, tALU := 4, 7, 4
		if mem {
			tIncDec, tLdN, tALU = 11, 10, 7
		}
		add("inc "+r, tIncDec, 0, 0x04+8*y)
		add("dec "+r, tIncDec, 0, 0x05+8*y)
		add("ld "+r+",N", tLdN, 0, 0x06+8*y, tokN)
		add(alu[y]+"N", 7, 0, 0xC6+8*y, tokN)
		for z, s := range r8 {
			if mem && s == "(hl)" {
				continue // 76h is halt
			}
			tt := 4
			if mem || s == "(hl)" {
				tt = 7
			}
			add("ld "+r+","+s, tt, 0, 0x40+8*y+z)
		}
		for a, m := range alu {
			add(m+r, tALU, 0, 0x80+8*a+y)
		}
	}
	add("djnz N", 8, 13, 0x10, tokE)
	add("jr N", 12, 0, 0x18, tokE)
	for c, cc := range cond {
		if c < 4 {
			add("jr "+cc+",N", 7, 12, 0x20+8*c, tokE)
		}
		add("ret "+cc, 5, 11, 0xC0+8*c)
		add("jp "+cc+",N", 10, 0, 0xC2+8*c, tokNN)
		add("call "+cc+",N", 10, 17, 0xC4+8*c, tokNN)
	}
	add("jp N", 10, 0, 0xC3, tokNN)
	add("call N", 17, 0, 0xCD, tokNN)
	add("ret", 10, 0, 0xC9)
	for i := 0; i < 8; i++ {
		add(fmt.Sprintf("rst %d", 8*i), 11, 0, 0xC7+8*i)
	}
	add("out (N),a", 11, 0, 0xD3, tokN)
	add("in a,(N)", 11, 0, 0xDB, tokN)

	// CB prefix: rotates and shifts, bit, res, set.
	for y, r := range r8 {
		mem := r == "(hl)"
		tRot, tBit := 8, 8
		if mem {
			tRot, tBit = 15, 12
		}
		for o, m := range rot {
			if m != "" {
				add(m+" "+r, tRot, 0, 0xCB, 8*o+y)
			}
		}
		for b := 0; b < 8; b++ {
			add(fmt.Sprintf("bit %d,%s", b, r), tBit, 0, 0xCB, 0x40+8*b+y)
			add(fmt.Sprintf("res %d,%s", b, r), tRot, 0, 0xCB, 0x80+8*b+y)
			add(fmt.Sprintf("set %d,%s", b, r), tRot, 0, 0xCB, 0xC0+8*b+y)
		}
	}

	// ED prefix.
	for y, r := range r8 {
		if r == "(hl)" {
			continue // in f,(c) / out (c),0 are undocumented
		}
		add("in "+r+",(c)", 12, 0, 0xED, 0x40+8*y)
		add("out (c),"+r, 12, 0, 0xED, 0x41+8*y)
	}
	for p, r := range rp {
		add("sbc hl,"+r, 15, 0, 0xED, 0x42+16*p)
		add("adc hl,"+r, 15, 0, 0xED, 0x4A+16*p)
		if r != "hl" { // hl uses the shorter unprefixed 22h/2Ah
			add("ld (N),"+r, 20, 0, 0xED, 0x43+16*p, tokNN)
			add("ld "+r+",(N)", 20, 0, 0xED, 0x4B+16*p, tokNN)
		}
	}
	add("neg", 8, 0, 0xED, 0x44)
	add("retn", 14, 0, 0xED, 0x45)
	add("reti", 14, 0, 0xED, 0x4D)
	add("im 0", 8, 0, 0xED, 0x46)
	add("im 1", 8, 0, 0xED, 0x56)
	add("im 2", 8, 0, 0xED, 0x5E)
	add("ld i,a", 9, 0, 0xED, 0x47)
	add("ld r,a", 9, 0, 0xED, 0x4F)
	add("ld a,i", 9, 0, 0xED, 0x57)
	add("ld a,r", 9, 0, 0xED, 0x5F)
	add("rrd", 18, 0, 0xED, 0x67)
	add("rld", 18, 0, 0xED, 0x6F)
	for i, m := range []string{"ldi", "cpi", "ini", "outi", "ldd", "cpd", "ind", "outd"} {
		add(m, 16, 0, 0xED, 0xA0+(i&3)+8*(i>>2))
	}
	for i, m := range []string{"ldir", "cpir", "inir", "otir", "lddr", "cpdr", "indr", "otdr"} {
		add(m, 16, 21, 0xED, 0xB0+(i&3)+8*(i>>2))
	}

	// DD/FD prefix: the same forms with ix/iy in place of hl.
	for _, x := range []struct {
		name   string
		prefix int
	}{{"ix", 0xDD}, {"iy", 0xFD}} {
		n, p := x.name, x.prefix
		m := "(" + n + "+D)"
		add("ld "+n+",N", 14, 0, p, 0x21, tokNN)
		add("ld (N),"+n, 20, 0, p, 0x22, tokNN)
		add("ld "+n+",(N)", 20, 0, p, 0x2A, tokNN)
		add("inc "+n, 10, 0, p, 0x23)
		add("dec "+n, 10, 0, p, 0x2B)
		for q, r := range []string{"bc", "de", n, "sp"} {
			add("add "+n+","+r, 15, 0, p, 0x09+16*q)
		}
		add("inc "+m, 23, 0, p, 0x34, tokD)
		add("dec "+m, 23, 0, p, 0x35, tokD)
		add("ld "+m+",N", 19, 0, p, 0x36, tokD, tokN)
		for y, r := range r8 {
			if r == "(hl)" {
				continue
			}
			add("ld "+r+","+m, 19, 0, p, 0x46+8*y, tokD)
			add("ld "+m+","+r, 19, 0, p, 0x70+y, tokD)
		}
		for a, op := range alu {
			add(op+m, 19, 0, p, 0x86+8*a, tokD)
		}
		add("pop "+n, 14, 0, p, 0xE1)
		add("push "+n, 15, 0, p, 0xE5)
		add("ex (sp),"+n, 23, 0, p, 0xE3)
		add("jp ("+n+")", 8, 0, p, 0xE9)
		add("ld sp,"+n, 10, 0, p, 0xF9)
		for o, r := range rot {
			if r != "" {
				add(r+" "+m, 23, 0, p, 0xCB, tokD, 8*o+6)
			}
		}
		for b := 0; b < 8; b++ {
			add(fmt.Sprintf("bit %d,%s", b, m), 20, 0, p, 0xCB, tokD, 0x46+8*b)
			add(fmt.Sprintf("res %d,%s", b, m), 23, 0, p, 0xCB, tokD, 0x86+8*b)
			add(fmt.Sprintf("set %d,%s", b, m), 23, 0, p, 0xCB, tokD, 0xC6+8*b)
		}
	}
	return t
}
