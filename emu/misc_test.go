package emu

import (
	"testing"
	"testing/fstest"
)

// TestBIOSAndDirectEntry calls the BIOS jump table through the address at
// 0001h and the BDOS through the address at 0006h, as some programs do.
func TestBIOSAndDirectEntry(t *testing.T) {
	p := newProg()
	bios := func(off byte) { // call WBOOT+off
		p.op(0x2A, 0x01, 0x00, 0x11, off, 0x00, 0x19) // ld hl,(0001h) / ld de,off / add hl,de
		p.op(0xCD).w("callhl")                        // call callhl
	}
	p.op(0x0E, 'X')
	bios(9)                                       // CONOUT 'X'
	bios(3)                                       // CONST: no key
	p.op(0xCD).w("hexa")                          //
	bios(6)                                       // CONIN: waits, gets the line
	p.op(0xCD).w("hexa")                          //
	p.op(0x2A, 0x06, 0x00, 0x0E, 0x02, 0x1E, 'Y') // ld hl,(0006h) / ld c,2 / ld e,'Y'
	p.op(0xCD).w("callhl")                        // the BDOS at its own entry
	bios(0)                                       // WBOOT+0: warm boot
	p.at("callhl").op(0xE9)                       // jp (hl)
	p.hexA()
	r, _ := RunCOM(p.bytes(t), RunOptions{Input: "k\n"})
	if string(r.Output) != "X00 6B Y" || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v", r.Output, r.Reason, r.Fault)
	}
}

func TestDiskInfoFunctions(t *testing.T) {
	p := newProg()
	hex := func() { p.op(0xCD).w("hexa") }
	hl := func() { p.op(0x7C).op(0xCD).w("hexa").op(0x7D).op(0xCD).w("hexa") } // ld a,h / hexa / ld a,l / hexa
	p.bdos(24)
	hex() // login vector: A: only
	p.bdos(25)
	hex() // current disk: A:
	p.bdos(27)
	hl() // allocation vector address
	p.bdos(31)
	hl() // DPB address
	p.op(0x1E, 0xFF).bdos(32)
	hex() // user number
	p.op(0x1E, 0x05).bdos(32).op(0x1E, 0xFF).bdos(32)
	hex() // set to 5, read back
	p.bdos(29)
	hex() // R/O vector
	p.bdos(28).bdos(29)
	hex()                  // write protected
	p.ldDE("fcb").bdos(22) // make: a write to a read-only drive
	p.op(0xC9)
	p.at("fcb").op(0).str("NEW     TXT").op(make([]byte, 24)...)
	p.hexA()
	r, _ := RunCOM(p.bytes(t), RunOptions{})
	if want := "01 00 F3 00 F2 60 00 05 00 01 \r\nBdos Err On A: R/O"; string(r.Output) != want || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %s, want %q and a warm boot", r.Output, r.Reason, want)
	}
	// The DPB describes the drive the BDOS emulates: 2 KB blocks, 16 KB
	// per directory entry, 2048 blocks, 1024 entries.
	c := newCore()
	if bsh, blm, exm := c.mem[dpbAddr+2], c.mem[dpbAddr+3], c.mem[dpbAddr+4]; 128<<bsh != blockSize || int(blm)+1 != blockSize/128 || exm != 0 {
		t.Errorf("DPB BSH %d BLM %d EXM %d", bsh, blm, exm)
	}
	if dsm := c.mem.word(dpbAddr + 5); (int(dsm)+1)*blockSize != driveBytes {
		t.Errorf("DPB DSM %d", dsm)
	}
}

// TestMachinePollingIdles: a program that polls BDOS 11 for a key with
// nothing else to do makes the machine report Waiting after idlePolls
// polls instead of burning its budget.
func TestMachinePollingIdles(t *testing.T) {
	p := newProg()
	p.at("loop").bdos(11).op(0xB7, 0x28).rel("loop") // ld c,11 / call 5 / or a / jr z,loop
	p.bdos(1).op(0xCD).w("hexa").op(0xC9)            // read it, print it, ret
	p.hexA()
	m, _ := New(Config{Files: fstest.MapFS{"POLL.COM": {Data: p.bytes(t)}}, Autoexec: "POLL"})
	if st := m.RunFor(1_000_000); st != Waiting || m.Program() != "POLL" {
		t.Fatalf("status %v program %q", st, m.Program())
	}
	// idlePolls polls of ld c (7) + call (17) + BDOS (20) + or a (4) + jr (12);
	// it stops right after the last BDOS call returns.
	if used := m.TStates(); used != idlePolls*60-16 {
		t.Fatalf("%d T-states used", used)
	}
	m.Type("z")
	m.RunFor(1_000_000)
	if s := screen(m); m.Program() != "" || s[len(s)-2] != "z7A" {
		t.Fatalf("program %q screen %q", m.Program(), s)
	}
}

// TestRunForBudget: RunFor stops as soon as the budget is used up, within
// one instruction.
func TestRunForBudget(t *testing.T) {
	m, _ := New(Config{Files: fstest.MapFS{"LOOP.COM": {Data: inferenceLoop}}, Autoexec: "LOOP"})
	for _, n := range []uint64{1, 7, 100, 1000, 66_666, 1_000_000} {
		before := m.TStates()
		if st := m.RunFor(n); st != Running {
			t.Fatalf("status %v", st)
		}
		if used := m.TStates() - before; used < n || used >= n+23 {
			t.Fatalf("RunFor(%d) ran %d T-states", n, used)
		}
	}
	if m.Program() != "LOOP" {
		t.Fatalf("program %q", m.Program())
	}
}
