package emu

import (
	"fmt"
	"testing"
)

// um0080 is the instruction timing of Zilog's Z80 CPU User Manual (UM0080),
// written out family by family as the manual groups them. Each row is an
// instruction's opcode bytes (operands filled in by the test), its T-states,
// and for conditional instructions the T-states when taken or repeating.
// This table is independent of timing.go: the test checks that the two
// agree entry by entry and that timing.go has nothing the manual lacks.
type um0080Row struct {
	family string
	asm    string
	code   []byte // opcode bytes; d, n and nn operands follow (see operands)
	t      int
	taken  int // 0 = unconditional
	cond   refCond
}

type refCond int

const (
	refNone refCond = iota
	refFlag         // cc in bits 3-5 (JP/CALL/RET) or 3-4 (JR)
	refDJNZ         // taken while B-1 != 0
	refBC           // LDIR/LDDR/CPIR/CPDR repeat while BC-1 != 0 (and no match)
	refB            // INIR/INDR/OTIR/OTDR repeat while B-1 != 0
)

var regNames = [8]string{"B", "C", "D", "E", "H", "L", "(HL)", "A"}
var ccNames = [8]string{"NZ", "Z", "NC", "C", "PO", "PE", "P", "M"}
var ddNames = [4]string{"BC", "DE", "HL", "SP"}
var qqNames = [4]string{"BC", "DE", "HL", "AF"}

func um0080() []um0080Row {
	var rows []um0080Row
	add := func(family, asm string, t int, code ...byte) {
		rows = append(rows, um0080Row{family: family, asm: asm, code: code, t: t})
	}
	addc := func(family, asm string, t, taken int, k refCond, code ...byte) {
		rows = append(rows, um0080Row{family: family, asm: asm, code: code, t: t, taken: taken, cond: k})
	}
	xy := []struct {
		name   string
		prefix byte
	}{{"IX", 0xDD}, {"IY", 0xFD}}

	// 8-Bit Load Group
	f := "8-bit load"
	for r := 0; r < 8; r++ {
		for s := 0; s < 8; s++ {
			switch {
			case r == 6 && s == 6: // that is HALT
			case r == 6:
				add(f, "LD (HL),"+regNames[s], 7, byte(0x40|r<<3|s))
			case s == 6:
				add(f, "LD "+regNames[r]+",(HL)", 7, byte(0x40|r<<3|s))
			default:
				add(f, "LD "+regNames[r]+","+regNames[s], 4, byte(0x40|r<<3|s))
			}
		}
		if r == 6 {
			add(f, "LD (HL),n", 10, 0x36)
		} else {
			add(f, "LD "+regNames[r]+",n", 7, byte(r<<3|6))
		}
		for _, x := range xy {
			if r != 6 {
				add(f, "LD "+regNames[r]+",("+x.name+"+d)", 19, x.prefix, byte(0x46|r<<3))
				add(f, "LD ("+x.name+"+d),"+regNames[r], 19, x.prefix, byte(0x70|r))
			}
		}
	}
	for _, x := range xy {
		add(f, "LD ("+x.name+"+d),n", 19, x.prefix, 0x36)
	}
	add(f, "LD A,(BC)", 7, 0x0A)
	add(f, "LD A,(DE)", 7, 0x1A)
	add(f, "LD A,(nn)", 13, 0x3A)
	add(f, "LD (BC),A", 7, 0x02)
	add(f, "LD (DE),A", 7, 0x12)
	add(f, "LD (nn),A", 13, 0x32)
	add(f, "LD A,I", 9, 0xED, 0x57)
	add(f, "LD A,R", 9, 0xED, 0x5F)
	add(f, "LD I,A", 9, 0xED, 0x47)
	add(f, "LD R,A", 9, 0xED, 0x4F)

	// 16-Bit Load Group
	f = "16-bit load"
	for dd := 0; dd < 4; dd++ {
		add(f, "LD "+ddNames[dd]+",nn", 10, byte(0x01|dd<<4))
		add(f, "LD "+ddNames[dd]+",(nn)", 20, 0xED, byte(0x4B|dd<<4))
		add(f, "LD (nn),"+ddNames[dd], 20, 0xED, byte(0x43|dd<<4))
		add(f, "PUSH "+qqNames[dd], 11, byte(0xC5|dd<<4))
		add(f, "POP "+qqNames[dd], 10, byte(0xC1|dd<<4))
	}
	add(f, "LD HL,(nn)", 16, 0x2A)
	add(f, "LD (nn),HL", 16, 0x22)
	add(f, "LD SP,HL", 6, 0xF9)
	for _, x := range xy {
		add(f, "LD "+x.name+",nn", 14, x.prefix, 0x21)
		add(f, "LD "+x.name+",(nn)", 20, x.prefix, 0x2A)
		add(f, "LD (nn),"+x.name, 20, x.prefix, 0x22)
		add(f, "LD SP,"+x.name, 10, x.prefix, 0xF9)
		add(f, "PUSH "+x.name, 15, x.prefix, 0xE5)
		add(f, "POP "+x.name, 14, x.prefix, 0xE1)
	}

	// Exchange, Block Transfer, and Search Group
	f = "exchange, block transfer, search"
	add(f, "EX DE,HL", 4, 0xEB)
	add(f, "EX AF,AF'", 4, 0x08)
	add(f, "EXX", 4, 0xD9)
	add(f, "EX (SP),HL", 19, 0xE3)
	for _, x := range xy {
		add(f, "EX (SP),"+x.name, 23, x.prefix, 0xE3)
	}
	add(f, "LDI", 16, 0xED, 0xA0)
	add(f, "LDD", 16, 0xED, 0xA8)
	add(f, "CPI", 16, 0xED, 0xA1)
	add(f, "CPD", 16, 0xED, 0xA9)
	addc(f, "LDIR", 16, 21, refBC, 0xED, 0xB0)
	addc(f, "LDDR", 16, 21, refBC, 0xED, 0xB8)
	addc(f, "CPIR", 16, 21, refBC, 0xED, 0xB1)
	addc(f, "CPDR", 16, 21, refBC, 0xED, 0xB9)

	// 8-Bit Arithmetic Group
	f = "8-bit arithmetic"
	alu := [8]string{"ADD A,", "ADC A,", "SUB ", "SBC A,", "AND ", "XOR ", "OR ", "CP "}
	for op := 0; op < 8; op++ {
		for r := 0; r < 8; r++ {
			t := 4
			if r == 6 {
				t = 7
			}
			add(f, alu[op]+regNames[r], t, byte(0x80|op<<3|r))
		}
		add(f, alu[op]+"n", 7, byte(0xC6|op<<3))
		for _, x := range xy {
			add(f, alu[op]+"("+x.name+"+d)", 19, x.prefix, byte(0x86|op<<3))
		}
	}
	for r := 0; r < 8; r++ {
		t := 4
		if r == 6 {
			t = 11
		}
		add(f, "INC "+regNames[r], t, byte(0x04|r<<3))
		add(f, "DEC "+regNames[r], t, byte(0x05|r<<3))
	}
	for _, x := range xy {
		add(f, "INC ("+x.name+"+d)", 23, x.prefix, 0x34)
		add(f, "DEC ("+x.name+"+d)", 23, x.prefix, 0x35)
	}

	// General-Purpose Arithmetic and CPU Control Groups
	f = "general-purpose arithmetic, CPU control"
	add(f, "DAA", 4, 0x27)
	add(f, "CPL", 4, 0x2F)
	add(f, "NEG", 8, 0xED, 0x44)
	add(f, "CCF", 4, 0x3F)
	add(f, "SCF", 4, 0x37)
	add(f, "NOP", 4, 0x00)
	add(f, "HALT", 4, 0x76)
	add(f, "DI", 4, 0xF3)
	add(f, "EI", 4, 0xFB)
	add(f, "IM 0", 8, 0xED, 0x46)
	add(f, "IM 1", 8, 0xED, 0x56)
	add(f, "IM 2", 8, 0xED, 0x5E)

	// 16-Bit Arithmetic Group
	f = "16-bit arithmetic"
	for ss := 0; ss < 4; ss++ {
		add(f, "ADD HL,"+ddNames[ss], 11, byte(0x09|ss<<4))
		add(f, "ADC HL,"+ddNames[ss], 15, 0xED, byte(0x4A|ss<<4))
		add(f, "SBC HL,"+ddNames[ss], 15, 0xED, byte(0x42|ss<<4))
		add(f, "INC "+ddNames[ss], 6, byte(0x03|ss<<4))
		add(f, "DEC "+ddNames[ss], 6, byte(0x0B|ss<<4))
	}
	for _, x := range xy {
		for pp, n := range []string{"BC", "DE", x.name, "SP"} {
			add(f, "ADD "+x.name+","+n, 15, x.prefix, byte(0x09|pp<<4))
		}
		add(f, "INC "+x.name, 10, x.prefix, 0x23)
		add(f, "DEC "+x.name, 10, x.prefix, 0x2B)
	}

	// Rotate and Shift Group
	f = "rotate and shift"
	add(f, "RLCA", 4, 0x07)
	add(f, "RLA", 4, 0x17)
	add(f, "RRCA", 4, 0x0F)
	add(f, "RRA", 4, 0x1F)
	add(f, "RLD", 18, 0xED, 0x6F)
	add(f, "RRD", 18, 0xED, 0x67)
	rot := map[int]string{0: "RLC", 1: "RRC", 2: "RL", 3: "RR", 4: "SLA", 5: "SRA", 7: "SRL"} // 6 (SLL) is undocumented
	for op, name := range rot {
		for r := 0; r < 8; r++ {
			t := 8
			if r == 6 {
				t = 15
			}
			add(f, name+" "+regNames[r], t, 0xCB, byte(op<<3|r))
		}
		for _, x := range xy {
			add(f, name+" ("+x.name+"+d)", 23, x.prefix, 0xCB, byte(op<<3|6))
		}
	}

	// Bit Set, Reset, and Test Group
	f = "bit set, reset, test"
	for b := 0; b < 8; b++ {
		for r := 0; r < 8; r++ {
			tb, ts := 8, 8
			if r == 6 {
				tb, ts = 12, 15
			}
			add(f, fmt.Sprintf("BIT %d,%s", b, regNames[r]), tb, 0xCB, byte(0x40|b<<3|r))
			add(f, fmt.Sprintf("RES %d,%s", b, regNames[r]), ts, 0xCB, byte(0x80|b<<3|r))
			add(f, fmt.Sprintf("SET %d,%s", b, regNames[r]), ts, 0xCB, byte(0xC0|b<<3|r))
		}
		for _, x := range xy {
			add(f, fmt.Sprintf("BIT %d,(%s+d)", b, x.name), 20, x.prefix, 0xCB, byte(0x46|b<<3))
			add(f, fmt.Sprintf("RES %d,(%s+d)", b, x.name), 23, x.prefix, 0xCB, byte(0x86|b<<3))
			add(f, fmt.Sprintf("SET %d,(%s+d)", b, x.name), 23, x.prefix, 0xCB, byte(0xC6|b<<3))
		}
	}

	// Jump Group
	f = "jump"
	add(f, "JP nn", 10, 0xC3)
	for cc := 0; cc < 8; cc++ {
		add(f, "JP "+ccNames[cc]+",nn", 10, byte(0xC2|cc<<3)) // 10 whether taken or not
	}
	add(f, "JR e", 12, 0x18)
	for cc := 0; cc < 4; cc++ {
		addc(f, "JR "+ccNames[cc]+",e", 7, 12, refFlag, byte(0x20|cc<<3))
	}
	add(f, "JP (HL)", 4, 0xE9)
	for _, x := range xy {
		add(f, "JP ("+x.name+")", 8, x.prefix, 0xE9)
	}
	addc(f, "DJNZ e", 8, 13, refDJNZ, 0x10)

	// Call and Return Group
	f = "call and return"
	add(f, "CALL nn", 17, 0xCD)
	add(f, "RET", 10, 0xC9)
	for cc := 0; cc < 8; cc++ {
		addc(f, "CALL "+ccNames[cc]+",nn", 10, 17, refFlag, byte(0xC4|cc<<3))
		addc(f, "RET "+ccNames[cc], 5, 11, refFlag, byte(0xC0|cc<<3))
		add(f, fmt.Sprintf("RST %02XH", cc*8), 11, byte(0xC7|cc<<3))
	}
	add(f, "RETI", 14, 0xED, 0x4D)
	add(f, "RETN", 14, 0xED, 0x45)

	// Input and Output Group
	f = "input and output"
	add(f, "IN A,(n)", 11, 0xDB)
	add(f, "OUT (n),A", 11, 0xD3)
	for r := 0; r < 8; r++ {
		if r != 6 {
			add(f, "IN "+regNames[r]+",(C)", 12, 0xED, byte(0x40|r<<3))
			add(f, "OUT (C),"+regNames[r], 12, 0xED, byte(0x41|r<<3))
		}
	}
	add(f, "INI", 16, 0xED, 0xA2)
	add(f, "IND", 16, 0xED, 0xAA)
	add(f, "OUTI", 16, 0xED, 0xA3)
	add(f, "OUTD", 16, 0xED, 0xAB)
	addc(f, "INIR", 16, 21, refB, 0xED, 0xB2)
	addc(f, "INDR", 16, 21, refB, 0xED, 0xBA)
	addc(f, "OTIR", 16, 21, refB, 0xED, 0xB3)
	addc(f, "OTDR", 16, 21, refB, 0xED, 0xBB)
	return rows
}

// undocumented is the timing of the instructions the manual leaves out, as
// Sean Young's "The Undocumented Z80 Documented" gives it and libz80ex
// implements it (TestTimingAgainstZ80ex). Like um0080 it is written
// independently of timing.go.
func undocumented() []um0080Row {
	var rows []um0080Row
	add := func(asm string, t int, code ...byte) {
		rows = append(rows, um0080Row{family: "undocumented", asm: asm, code: code, t: t})
	}
	for r := 0; r < 8; r++ {
		t := 8
		if r == 6 {
			t = 15
		}
		add("SLL "+regNames[r], t, 0xCB, byte(0x30|r))
	}
	for _, x := range []struct {
		name   string
		prefix byte
	}{{"IX", 0xDD}, {"IY", 0xFD}} {
		half := [8]string{"B", "C", "D", "E", x.name + "H", x.name + "L", "", "A"}
		for _, h := range []int{4, 5} {
			add("INC "+half[h], 8, x.prefix, byte(0x04|h<<3))
			add("DEC "+half[h], 8, x.prefix, byte(0x05|h<<3))
			add("LD "+half[h]+",n", 11, x.prefix, byte(0x06|h<<3))
			for s := 0; s < 8; s++ {
				if s != 6 {
					add("LD "+half[h]+","+half[s], 8, x.prefix, byte(0x40|h<<3|s))
				}
				if s != 6 && s != 4 && s != 5 {
					add("LD "+half[s]+","+half[h], 8, x.prefix, byte(0x40|s<<3|h))
				}
			}
			for op := 0; op < 8; op++ {
				add("ALU A,"+half[h], 8, x.prefix, byte(0x80|op<<3|h))
			}
		}
		// The prefix before an instruction that does not use HL, H or L:
		// LD B,B ... LD A,A and ALU A,r with r not H or L take 4+4.
		for _, s := range []int{0, 1, 2, 3, 7} {
			for d := 0; d < 8; d++ {
				if d != 4 && d != 5 && d != 6 {
					add(fmt.Sprintf("%s: LD %s,%s", x.name, half[d], half[s]), 8, x.prefix, byte(0x40|d<<3|s))
				}
			}
			for op := 0; op < 8; op++ {
				add(fmt.Sprintf("%s: ALU A,%s", x.name, half[s]), 8, x.prefix, byte(0x80|op<<3|s))
			}
		}
		add("SLL ("+x.name+"+d)", 23, x.prefix, 0xCB, 0x36)
		for op := 0; op < 256; op++ {
			if op&7 == 6 {
				continue
			}
			t := 23
			if op&0xC0 == 0x40 {
				t = 20
			}
			add(fmt.Sprintf("%02X on (%s+d) and a register", op, x.name), t, x.prefix, 0xCB, byte(op))
		}
	}
	for _, op := range []byte{0x4C, 0x54, 0x5C, 0x64, 0x6C, 0x74, 0x7C} {
		add("NEG", 8, 0xED, op)
	}
	for _, op := range []byte{0x55, 0x5D, 0x65, 0x6D, 0x75, 0x7D} {
		add("RETN", 14, 0xED, op)
	}
	for _, op := range []byte{0x4E, 0x66, 0x6E, 0x76, 0x7E} {
		add("IM", 8, 0xED, op)
	}
	add("IN F,(C)", 12, 0xED, 0x70)
	add("OUT (C),0", 12, 0xED, 0x71)
	for op := 0; op < 256; op++ {
		if op < 0x40 || op == 0x77 || op == 0x7F || op >= 0x80 && op < 0xA0 || op >= 0xC0 ||
			op >= 0xA0 && op&4 != 0 {
			add(fmt.Sprintf("ED %02X (no-op)", op), 8, 0xED, byte(op))
		}
	}
	return rows
}

// key returns the timing-table lookup bytes of a row (DD CB d op has its
// displacement third).
func (r um0080Row) key() [4]byte {
	var b [4]byte
	copy(b[:], r.code)
	if len(r.code) == 3 && r.code[1] == 0xCB { // DD CB op: d goes between
		b[2], b[3] = 0x05, r.code[2]
	}
	return b
}

// TestTimingTableMatchesManual checks every table entry against um0080 and
// undocumented, and that no table entry is missing from them.
func TestTimingTableMatchesManual(t *testing.T) {
	rows := um0080()
	// 252 unprefixed + 248 CB + 58 ED + 2*(39 DD/FD + 31 DDCB/FDCB) documented opcodes.
	if len(rows) != 252+248+58+2*(39+31) {
		t.Errorf("manual table has %d rows", len(rows))
	}
	rows = append(rows, undocumented()...)
	seen := map[[4]byte]bool{}
	families := map[string]int{}
	for _, r := range rows {
		k := r.key()
		if seen[k] {
			t.Errorf("%s: listed twice", r.asm)
		}
		seen[k] = true
		families[r.family]++
		got, taken, prefix := instrTime(k)
		if prefix || int(got) != r.t || int(taken) != r.taken {
			t.Errorf("%s (%s, % X): table has %d/%d prefix=%v, reference says %d/%d",
				r.asm, r.family, r.code, got, taken, prefix, r.t, r.taken)
		}
	}
	if len(families) != 12 {
		t.Errorf("expected the manual's 11 instruction families and the undocumented, got %d", len(families))
	}
	// The other direction: every nonzero entry of each table is a row, and
	// every ED and DD CB / FD CB opcode has a time.
	check := func(name string, tab *[256]uint8, key func(i int) [4]byte, full bool) {
		for i, v := range tab {
			if v != 0 && !seen[key(i)] || v == 0 && full {
				t.Errorf("%s[%02X] = %d is not in the references", name, i, v)
			}
		}
	}
	check("mainTime", &mainTime, func(i int) [4]byte { return [4]byte{byte(i)} }, false)
	check("cbTime", &cbTime, func(i int) [4]byte { return [4]byte{0xCB, byte(i)} }, true)
	check("edTime", &edTime, func(i int) [4]byte { return [4]byte{0xED, byte(i)} }, true)
	check("xyTime(DD)", &xyTime, func(i int) [4]byte { return [4]byte{0xDD, byte(i)} }, false)
	check("xyTime(FD)", &xyTime, func(i int) [4]byte { return [4]byte{0xFD, byte(i)} }, false)
	check("xycbTime(DD)", &xycbTime, func(i int) [4]byte { return [4]byte{0xDD, 0xCB, 0x05, byte(i)} }, true)
	check("xycbTime(FD)", &xycbTime, func(i int) [4]byte { return [4]byte{0xFD, 0xCB, 0x05, byte(i)} }, true)
	// A DD or FD prefix before any other opcode is a prefix of its own.
	for op := 0; op < 256; op++ {
		if _, _, prefix := instrTime([4]byte{0xDD, byte(op)}); prefix != (xyTime[op] == 0 && op != 0xCB) {
			t.Errorf("DD %02X: prefix=%v", op, prefix)
		}
	}
}

// condHoldsRef is the manual's definition of the condition codes, written
// independently of cpu.go.
func condHoldsRef(cc int, f uint8) bool {
	z, c, pv, s := f&0x40 != 0, f&0x01 != 0, f&0x04 != 0, f&0x80 != 0
	return [8]bool{!z, z, !c, c, !pv, pv, !s, s}[cc]
}

// TestStepTiming executes every documented instruction once through the
// machine's run loop, in register states that take and skip every branch
// and repeat and stop every block instruction, and checks the T-states
// charged against um0080.
func TestStepTiming(t *testing.T) {
	flags := []uint8{0x00, 0xFF, 0x40, 0x01, 0x04, 0x80, 0xBE, 0x41}
	bcs := []uint16{0x0201, 0x0001, 0x0100, 0x0101, 0x0000}
	n := 0
	for _, r := range append(um0080(), undocumented()...) {
		if r.asm == "HALT" {
			continue // a fault on this machine; see TestFaults
		}
		code := append([]byte(nil), r.code...)
		if len(code) == 3 && code[1] == 0xCB {
			code = []byte{code[0], 0xCB, 0x05, code[2]}
		} else {
			code = append(code, 0x05, 0x40) // d or n = 05h, e = 05h, nn = 4005h
		}
		for _, f := range flags {
			for _, bc := range bcs {
				c := newCore()
				c.bdos.disk, _ = newMemDrive(nil)
				if err := c.load(code, ""); err != nil {
					t.Fatal(err)
				}
				cpu := &c.cpu
				cpu.AF.Hi, cpu.AF.Lo = 0x55, f
				cpu.BC.SetU16(bc)
				cpu.DE.SetU16(0x9000)
				cpu.HL.SetU16(0x8000)
				cpu.IX, cpu.IY = 0x8100, 0x8200
				cpu.SP = 0xE3F0
				want := r.t
				switch r.cond {
				case refFlag:
					cc := int(r.code[0]>>3) & 7
					if r.code[0] < 0x40 {
						cc &= 3
					}
					if condHoldsRef(cc, f) {
						want = r.taken
					}
				case refDJNZ:
					if bc>>8 != 1 {
						want = r.taken
					}
				case refBC: // A=55h never matches the zeroed memory
					if bc != 1 {
						want = r.taken
					}
				case refB:
					if bc>>8 != 1 {
						want = r.taken
					}
				}
				s := c.run(c.t + 1)
				if s != stopBudget {
					t.Fatalf("%s: stopped with %v (%v)", r.asm, s, c.fault)
				}
				if int(c.t) != want {
					t.Errorf("%s with F=%02X BC=%04X: %d T-states, manual says %d", r.asm, f, bc, c.t, want)
				}
				n++
			}
		}
	}
	t.Logf("%d instruction executions checked", n)
}
