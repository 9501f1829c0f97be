package emu

// T-state tables of the Z80, as data. Values come from Zilog's Z80 CPU User
// Manual (UM0080). A zero entry means "not a documented instruction": the
// machine stops with a fault instead of guessing a time for it.
//
// Conditional instructions hold their not-taken time here; the taken time is
// in the *Taken tables and is chosen by looking at PC after the step (a taken
// branch does not land on the next instruction, a repeating block instruction
// lands on itself).

// mainTime is indexed by the first opcode byte. The prefixes CB, DD, ED and FD
// are 0 here: their time is in the prefixed tables.
var mainTime = [256]uint8{
	//0  1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
	4, 10, 7, 6, 4, 4, 7, 4, 4, 11, 7, 6, 4, 4, 7, 4, // 00
	8, 10, 7, 6, 4, 4, 7, 4, 12, 11, 7, 6, 4, 4, 7, 4, // 10
	7, 10, 16, 6, 4, 4, 7, 4, 7, 11, 16, 6, 4, 4, 7, 4, // 20
	7, 10, 13, 6, 11, 11, 10, 4, 7, 11, 13, 6, 4, 4, 7, 4, // 30
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 40
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 50
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 60
	7, 7, 7, 7, 7, 7, 4, 7, 4, 4, 4, 4, 4, 4, 7, 4, // 70
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 80
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // 90
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // A0
	4, 4, 4, 4, 4, 4, 7, 4, 4, 4, 4, 4, 4, 4, 7, 4, // B0
	5, 10, 10, 10, 10, 11, 7, 11, 5, 10, 10, 0, 10, 17, 7, 11, // C0
	5, 10, 10, 11, 10, 11, 7, 11, 5, 4, 10, 11, 10, 0, 7, 11, // D0
	5, 10, 10, 19, 10, 11, 7, 11, 5, 4, 10, 4, 10, 0, 7, 11, // E0
	5, 10, 10, 4, 10, 11, 7, 11, 5, 6, 10, 4, 10, 0, 7, 11, // F0
}

// mainTaken holds the time of a conditional instruction when its condition
// holds: DJNZ, JR cc, RET cc and CALL cc. JP cc takes 10 either way.
var mainTaken = [256]uint8{
	0x10: 13,
	0x20: 12, 0x28: 12, 0x30: 12, 0x38: 12,
	0xC0: 11, 0xC8: 11, 0xD0: 11, 0xD8: 11, 0xE0: 11, 0xE8: 11, 0xF0: 11, 0xF8: 11,
	0xC4: 17, 0xCC: 17, 0xD4: 17, 0xDC: 17, 0xE4: 17, 0xEC: 17, 0xF4: 17, 0xFC: 17,
}

// cbTime is indexed by the byte after CB. Rows 30-37 are the undocumented
// SLL (shift left, bit 0 set), timed like SLA.
var cbTime = [256]uint8{
	//0 1  2  3  4  5  6   7  8  9  A  B  C  D  E   F
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 00 RLC RRC
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 10 RL RR
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 20 SLA SRA
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 30 SLL SRL
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 40 BIT
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 50 BIT
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 60 BIT
	8, 8, 8, 8, 8, 8, 12, 8, 8, 8, 8, 8, 8, 8, 12, 8, // 70 BIT
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 80 RES
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // 90 RES
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // A0 RES
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // B0 RES
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // C0 SET
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // D0 SET
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // E0 SET
	8, 8, 8, 8, 8, 8, 15, 8, 8, 8, 8, 8, 8, 8, 15, 8, // F0 SET
}

// edTime is indexed by the byte after ED; every byte is an instruction. The
// documented ones are those of the manual. Of the others, rows 40-7F hold
// copies of documented ones (NEG at 4C/54/.., RETN at 55/5D/.., IM at
// 4E/66/6E/76/7E), IN F,(C) at 70 (flags only), OUT (C),0 at 71, and
// LD (nn),HL / LD HL,(nn) at 63/6B in their slow 20 T-state form; every
// byte not listed is a no-op of two fetches (8 T-states).
var edTime = func() (t [256]uint8) {
	for i := range t {
		t[i] = 8
	}
	rows := [...][16]uint8{
		//0  1   2   3   4  5   6  7   8   9   A   B   C  D   E  F
		{12, 12, 15, 20, 8, 14, 8, 9, 12, 12, 15, 20, 8, 14, 8, 9},   // 40
		{12, 12, 15, 20, 8, 14, 8, 9, 12, 12, 15, 20, 8, 14, 8, 9},   // 50
		{12, 12, 15, 20, 8, 14, 8, 18, 12, 12, 15, 20, 8, 14, 8, 18}, // 60
		{12, 12, 15, 20, 8, 14, 8, 8, 12, 12, 15, 20, 8, 14, 8, 8},   // 70
	}
	for r, row := range rows {
		copy(t[0x40+16*r:], row[:])
	}
	for _, op := range [...]byte{0xA0, 0xA1, 0xA2, 0xA3, 0xA8, 0xA9, 0xAA, 0xAB,
		0xB0, 0xB1, 0xB2, 0xB3, 0xB8, 0xB9, 0xBA, 0xBB} { // block transfer, search, I/O
		t[op] = 16
	}
	return t
}()

// edAlias maps the undocumented ED opcodes that behave exactly like a
// documented one to that one: the core (which knows only the documented
// forms) executes them as it.
var edAlias = [256]byte{
	0x4C: 0x44, 0x54: 0x44, 0x5C: 0x44, 0x64: 0x44, 0x6C: 0x44, 0x74: 0x44, 0x7C: 0x44, // NEG
	0x55: 0x45, 0x5D: 0x45, 0x65: 0x45, 0x6D: 0x45, 0x75: 0x45, 0x7D: 0x45, // RETN
	0x4E: 0x46, 0x66: 0x46, 0x6E: 0x46, 0x76: 0x56, 0x7E: 0x5E, // IM 0, IM 0, IM 0, IM 1, IM 2
}

// edTaken holds the time of a block instruction that repeats (BC or B not
// yet exhausted and, for CPIR/CPDR, no match): it lands on itself again.
var edTaken = [256]uint8{
	0xB0: 21, 0xB1: 21, 0xB2: 21, 0xB3: 21,
	0xB8: 21, 0xB9: 21, 0xBA: 21, 0xBB: 21,
}

// xyTime is indexed by the byte after DD (IX) or FD (IY); both prefixes take
// the same time. It lists every opcode on which the prefix acts: those that
// use HL (then IX), H or L (then the undocumented IXH and IXL) or (HL)
// (then (IX+d)). A zero entry is an opcode the prefix does not change: the
// prefix then costs 4 T-states on its own and the opcode runs as usual.
var xyTime = [256]uint8{
	0x09: 15, 0x19: 15, 0x29: 15, 0x39: 15, // ADD IX,pp
	0x21: 14, 0x22: 20, 0x23: 10, 0x2A: 20, 0x2B: 10, // LD IX,nn  LD (nn),IX  INC IX  LD IX,(nn)  DEC IX
	0x24: 8, 0x25: 8, 0x26: 11, 0x2C: 8, 0x2D: 8, 0x2E: 11, // INC/DEC/LD IXH and IXL (undocumented)
	0x34: 23, 0x35: 23, 0x36: 19, // INC (IX+d)  DEC (IX+d)  LD (IX+d),n
	//0 1  2  3  4  5  6   7  8  9  A  B  C  D  E   F
	0x40: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // LD r,r' with IXH/IXL
	0x50: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // for H and L (undocumented);
	0x60: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // LD r,(IX+d) and LD (IX+d),r
	0x70: 19, 19, 19, 19, 19, 19, 0, 19, 8, 8, 8, 8, 8, 8, 19, 8, // (76 is HALT, untouched)
	0x80: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // ALU A,IXH/IXL (undocumented)
	0x90: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8, // and ALU A,(IX+d)
	0xA0: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8,
	0xB0: 8, 8, 8, 8, 8, 8, 19, 8, 8, 8, 8, 8, 8, 8, 19, 8,
	0xE1: 14, 0xE3: 23, 0xE5: 15, 0xE9: 8, 0xF9: 10, // POP IX  EX (SP),IX  PUSH IX  JP (IX)  LD SP,IX
}

// xycbTime is indexed by the fourth byte of DD CB d op / FD CB d op. The
// (IX+d) forms (low three bits 110) are documented; the others do the same
// to (IX+d) and also copy the result into register r (rotates, shifts, RES,
// SET) or are plain copies of BIT b,(IX+d). Row 30 is SLL.
var xycbTime = func() (t [256]uint8) {
	for op := range t {
		t[op] = 23
		if op&0xC0 == 0x40 { // BIT
			t[op] = 20
		}
	}
	return t
}()

// fastTime is mainTime with every entry that needs a closer look zeroed:
// prefixes, conditional instructions and HALT. The run loop steps the rest
// with one table lookup.
var fastTime = func() (t [256]uint8) {
	t = mainTime
	for op := range t {
		if mainTaken[op] != 0 || op == 0x76 {
			t[op] = 0
		}
	}
	return t
}()

// condTest tells the run loop how to decide a conditional instruction of
// mainTaken before stepping it: the flag mask it tests (condMask bits) and
// whether the flag must be set (condSet), or condDJNZ for DJNZ (taken
// unless B is 1). Zero for every other opcode.
var condTest = func() (t [256]uint8) {
	flag := [4]uint8{0x40, 0x01, 0x04, 0x80} // Z, C, P/V, S
	for op := range t {
		if mainTaken[op] == 0 {
			continue
		}
		var cc int
		switch {
		case op == 0x10:
			t[op] = condDJNZ
			continue
		case op < 0x40: // JR NZ, Z, NC, C
			cc = (op >> 3) & 3
		default: // RET cc, CALL cc: NZ Z NC C PO PE P M
			cc = (op >> 3) & 7
		}
		t[op] = flag[cc>>1]
		if cc&1 == 1 {
			t[op] |= condSet
		}
	}
	return t
}()

const (
	condMask = 0xC5 // the flag bits a condition can test: S Z P/V C
	condSet  = 0x02 // the condition holds when the flag is set (N, bit 1, is never tested)
	condDJNZ = 0xFF
)

// instrTime returns the T-states of the instruction whose bytes start with
// b (up to 4 bytes) and, for conditional ones, the time when taken (0 if
// the instruction is not conditional). For a DD or FD prefix that does not
// act on the opcode after it (xyTime zero), it returns 4 and prefix true:
// the prefix's own time, the opcode after it is timed on its own.
func instrTime(b [4]byte) (t, taken uint8, prefix bool) {
	switch b[0] {
	case 0xCB:
		t = cbTime[b[1]]
	case 0xED:
		t, taken = edTime[b[1]], edTaken[b[1]]
	case 0xDD, 0xFD:
		switch {
		case b[1] == 0xCB:
			t = xycbTime[b[3]]
		case xyTime[b[1]] != 0:
			t = xyTime[b[1]]
		default:
			return 4, 0, true
		}
	default:
		t, taken = mainTime[b[0]], mainTaken[b[0]]
	}
	return t, taken, false
}
