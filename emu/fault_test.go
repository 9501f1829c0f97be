package emu

import (
	"bytes"
	"strings"
	"testing"
)

func TestFaults(t *testing.T) {
	cases := []struct {
		name string
		com  []byte
		what string
		pc   uint16
	}{
		{"HALT", []byte{0xF3, 0x76}, "HALT with interrupts disabled", 0x0101},
		{"HALT EI", []byte{0xFB, 0x76}, "HALT with interrupts enabled (this machine raises no interrupts)", 0x0101},
		{"HALT after a prefix", []byte{0xF3, 0xDD, 0x76}, "HALT with interrupts disabled", 0x0102},
		{"BDOS area", []byte{0xC3, 0x00, 0xE5}, "jump into the BDOS/BIOS area", 0xE500},
		{"falls off the TPA", append([]byte{0xC3, 0x00, 0xDF}, make([]byte, 0x100)...), "jump into the BDOS/BIOS area", 0xE400},
		{"empty", []byte{}, "empty .COM file", 0x0100},
		{"too big", make([]byte, maxCOM+1), ".COM too big for the TPA: 58113 bytes, at most 58112 fit (0100H-E3FFH)", 0x0100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := RunCOM(tc.com, RunOptions{MaxTStates: 100_000_000})
			if err != nil {
				t.Fatal(err)
			}
			f, ok := r.Fault.(*Fault)
			if r.Reason != ReasonFault || !ok {
				t.Fatalf("reason %q fault %v", r.Reason, r.Fault)
			}
			if f.What != tc.what || f.PC != tc.pc {
				t.Fatalf("fault %q at %04X, want %q at %04X", f.What, f.PC, tc.what, tc.pc)
			}
			if !strings.Contains(f.Error(), "SP=") {
				t.Fatalf("message lacks registers: %s", f.Error())
			}
		})
	}
}

// TestPrintStringWithoutDollar: memory with no '$' anywhere cannot make
// BDOS 9 loop forever.
func TestPrintStringWithoutDollar(t *testing.T) {
	c := newCore()
	for i := range c.mem {
		c.mem[i] = 'A'
	}
	n := 0
	c.out = func(byte) { n++ }
	c.cpu.DE.SetU16(0x8000)
	c.cpu.SP = 0x9000
	if _, o := bdosPrintString(c); o != fail || n != 0x10000 {
		t.Fatalf("outcome %v after %d characters", o, n)
	}
	if !strings.HasPrefix(c.fault.What, "BDOS 9: no '$' ends the string at 8000H") {
		t.Fatalf("fault %v", c.fault)
	}
}

func TestStackOwnedByProgram(t *testing.T) {
	// A program that puts its stack inside its own image (LD SP,nn) and
	// then pushes is not a stack overflow.
	com := []byte{
		0x31, 0x10, 0x01, // ld sp,0110h (inside the image)
		0xE5, 0xE5, 0xE1, 0xE1, // push hl x2, pop hl x2
		0x31, 0x00, 0xE4, // ld sp,E400h
		0xC3, 0x00, 0x00, // jp 0
	}
	com = append(com, make([]byte, 32)...)
	r, _ := RunCOM(com, RunOptions{})
	if r.Reason != ReasonExit || r.Fault != nil {
		t.Fatalf("reason %q fault %v", r.Reason, r.Fault)
	}
}

func TestTStateLimit(t *testing.T) {
	r, _ := RunCOM([]byte{0x18, 0xFE}, RunOptions{MaxTStates: 1000}) // jr $
	if r.Reason != ReasonLimit || r.TStates != 1008 {                // 84 JRs of 12
		t.Fatalf("reason %q after %d T-states", r.Reason, r.TStates)
	}
}

// exitT is the time of a return to 0000h: JP WBOOT there, then the BIOS
// jump table's JP to the warm boot.
const exitT = 10 + 10

// TestProgramTotals checks whole-program T-state totals counted by hand:
// taken and untaken branches, calls and returns, block repeats.
func TestProgramTotals(t *testing.T) {
	cases := []struct {
		name  string
		com   []byte
		total uint64
	}{
		{"djnz", []byte{
			0x06, 0x03, // ld b,3        7
			0x10, 0xFE, // djnz $        13+13+8
			0xC9, //       ret           10
		}, 7 + 13 + 13 + 8 + 10 + exitT},
		{"ldir", []byte{
			0x21, 0x00, 0x80, // ld hl,8000h   10
			0x11, 0x00, 0x90, // ld de,9000h   10
			0x01, 0x04, 0x00, // ld bc,4       10
			0xED, 0xB0, //       ldir          21*3+16
			0xC9, //             ret           10
		}, 30 + 21*3 + 16 + 10 + exitT},
		{"cpir match", []byte{
			0x21, 0x00, 0x01, // ld hl,0100h   10  (search the program itself)
			0x01, 0x20, 0x00, // ld bc,32      10
			0x3E, 0xED, //       ld a,EDh      7
			0xED, 0xB1, //       cpir          finds EDh at 0107h (its own operand): 7 repeats + 16
			0xC9, //             ret           10
		}, 27 + 21*7 + 16 + 10 + exitT},
		{"branches", []byte{
			0xAF,       //             xor a          4   Z set, C clear
			0x20, 0x00, //       jr nz,$+2      7   not taken
			0x28, 0x00, //       jr z,$+2       12  taken (to the next instruction all the same)
			0x38, 0x00, //       jr c,$+2       7
			0xC4, 0x00, 0x00, // call nz,0      10  not taken
			0xCC, 0x10, 0x01, // call z,0110h   17  taken
			0xC3, 0x13, 0x01, // jp 0113h       10
			0xC8,       //       0110: ret z          11  taken
			0x00, 0x00, //       (filler)
			0xC0, //       0113: ret nz         5   not taken
			0xD0, //             ret nc         11  taken: to 0000h
		}, 4 + 7 + 12 + 7 + 10 + 17 + 11 + 10 + 5 + 11 + exitT},
		{"prefixed", []byte{
			0xDD, 0x21, 0x00, 0x80, // ld ix,8000h    14
			0xDD, 0x34, 0x05, //       inc (ix+5)     23
			0xDD, 0xCB, 0x05, 0x46, // bit 0,(ix+5)   20
			0xCB, 0x27, //             sla a          8
			0xED, 0x44, //             neg            8
			0xED, 0x5B, 0x00, 0x80, // ld de,(8000h)  20
			0xC9, //                   ret            10
		}, 14 + 23 + 20 + 8 + 8 + 20 + 10 + exitT},
	}
	for _, tc := range cases {
		r, _ := RunCOM(tc.com, RunOptions{})
		if r.Reason != ReasonExit || r.TStates != tc.total {
			t.Errorf("%s: %s after %d T-states (fault %v), want exit after %d", tc.name, r.Reason, r.TStates, r.Fault, tc.total)
		}
	}
}

func TestTailAndFCBs(t *testing.T) {
	// Prints the tail buffer with BDOS 9 after putting a '$' at its end.
	com := []byte{
		0x21, 0x80, 0x00, // ld hl,0080h
		0x5E, 0x16, 0x00, // ld e,(hl) / ld d,0
		0x19, 0x23, //       add hl,de / inc hl
		0x36, '$', //        ld (hl),'$'
		0x11, 0x81, 0x00, // ld de,0081h
		0x0E, 0x09, 0xCD, 0x05, 0x00, // print
		0xC9,
	}
	r, _ := RunCOM(com, RunOptions{Tail: "is it *.Big"})
	if string(r.Output) != " IS IT *.BIG" {
		t.Fatalf("tail %q", r.Output)
	}
	c := newCore()
	c.load(com, "b:foo.c *.x")
	if got := c.mem[fcb1 : fcb1+12]; !bytes.Equal(got, []byte("\x02FOO     C  ")) {
		t.Errorf("FCB1 %q", got)
	}
	if got := c.mem[fcb2 : fcb2+12]; !bytes.Equal(got, []byte("\x00????????X  ")) {
		t.Errorf("FCB2 %q", got)
	}
	if _, err := RunCOM(com, RunOptions{Tail: strings.Repeat("x", 127)}); err == nil {
		t.Error("a 127-character tail must be refused")
	}
	r, _ = RunCOM(com, RunOptions{})
	if string(r.Output) != "" || r.Reason != ReasonExit {
		t.Errorf("empty tail: %q %s", r.Output, r.Reason)
	}
}
