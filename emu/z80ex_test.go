package emu

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// z80exHarness is a small C program around libz80ex, an independent Z80
// emulator that counts T-states (Debian package libz80ex-dev). For each
// input line "code AF BC" it loads the code at 0100h, sets the registers as
// TestStepTiming does, executes one instruction and prints its T-states.
const z80exHarness = `
#include <stdio.h>
#include <string.h>
#include <z80ex/z80ex.h>

static Z80EX_BYTE mem[65536];
static Z80EX_BYTE mr(Z80EX_CONTEXT *c, Z80EX_WORD a, int m1, void *u) { return mem[a]; }
static void mw(Z80EX_CONTEXT *c, Z80EX_WORD a, Z80EX_BYTE v, void *u) { mem[a] = v; }
static Z80EX_BYTE pr(Z80EX_CONTEXT *c, Z80EX_WORD p, void *u) { return 0; }
static void pw(Z80EX_CONTEXT *c, Z80EX_WORD p, Z80EX_BYTE v, void *u) {}
static Z80EX_BYTE ir(Z80EX_CONTEXT *c, void *u) { return 0xFF; }

int main(void) {
	Z80EX_CONTEXT *cpu = z80ex_create(mr, 0, mw, 0, pr, 0, pw, 0, ir, 0);
	char hex[64];
	unsigned af, bc;
	while (scanf("%63s %x %x", hex, &af, &bc) == 3) {
		memset(mem, 0, sizeof mem);
		for (int i = 0; hex[2*i] && hex[2*i+1]; i++) {
			unsigned b;
			sscanf(hex + 2*i, "%2x", &b);
			mem[0x100 + i] = b;
		}
		z80ex_reset(cpu);
		z80ex_set_reg(cpu, regPC, 0x100);
		z80ex_set_reg(cpu, regAF, af);
		z80ex_set_reg(cpu, regBC, bc);
		z80ex_set_reg(cpu, regDE, 0x9000);
		z80ex_set_reg(cpu, regHL, 0x8000);
		z80ex_set_reg(cpu, regIX, 0x8100);
		z80ex_set_reg(cpu, regIY, 0x8200);
		z80ex_set_reg(cpu, regSP, 0xE3F0);
		int t = 0;
		do { t += z80ex_step(cpu); } while (z80ex_last_op_type(cpu) != 0);
		printf("%d\n", t);
	}
	return 0;
}
`

// TestTimingAgainstZ80ex runs every documented instruction in the register
// states of TestStepTiming on libz80ex and on this machine and compares the
// T-states. It is skipped when the library or a C compiler is missing.
func TestTimingAgainstZ80ex(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler")
	}
	if _, err := os.Stat("/usr/include/z80ex/z80ex.h"); err != nil {
		t.Skip("libz80ex-dev is not installed (apt-get install libz80ex-dev)")
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "h.c"), filepath.Join(dir, "h")
	os.WriteFile(src, []byte(z80exHarness), 0o644)
	if out, err := exec.Command(cc, "-O1", "-o", bin, src, "-lz80ex").CombinedOutput(); err != nil {
		t.Skipf("cannot build the libz80ex harness: %v\n%s", err, out)
	}

	type tc struct {
		asm  string
		code []byte
		af   uint16
		bc   uint16
		ours uint64
	}
	var cases []tc
	var in strings.Builder
	for _, r := range um0080() {
		if r.asm == "HALT" {
			continue
		}
		code := append([]byte(nil), r.code...)
		if len(code) == 3 && code[1] == 0xCB {
			code = []byte{code[0], 0xCB, 0x05, code[2]}
		} else {
			code = append(code, 0x05, 0x40)
		}
		for _, f := range []uint8{0x00, 0xFF, 0x40, 0x01, 0x04, 0x80} {
			for _, bc := range []uint16{0x0201, 0x0001, 0x0100} {
				c := newCore()
				c.bdos.disk, _ = newMemDrive(nil)
				c.load(code, "")
				cpu := &c.cpu
				cpu.AF.Hi, cpu.AF.Lo = 0x55, f
				cpu.BC.SetU16(bc)
				cpu.DE.SetU16(0x9000)
				cpu.HL.SetU16(0x8000)
				cpu.IX, cpu.IY = 0x8100, 0x8200
				cpu.SP = 0xE3F0
				if s := c.run(1); s != stopBudget {
					t.Fatalf("%s: %v %v", r.asm, s, c.fault)
				}
				af := uint16(0x55)<<8 | uint16(f)
				cases = append(cases, tc{r.asm, code, af, bc, c.t})
				fmt.Fprintf(&in, "%X %04X %04X\n", code, af, bc)
			}
		}
	}
	cmd := exec.Command(bin)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	bad, n := 0, 0
	for i := 0; sc.Scan() && i < len(cases); i++ {
		n++
		var z uint64
		fmt.Sscan(sc.Text(), &z)
		if c := cases[i]; z != c.ours {
			bad++
			if bad <= 20 {
				t.Errorf("%s (% X) AF=%04X BC=%04X: ours %d, z80ex %d", c.asm, c.code, c.af, c.bc, c.ours, z)
			}
		}
	}
	if n != len(cases) {
		t.Fatalf("the harness answered %d of %d cases", n, len(cases))
	}
	t.Logf("%d executions agree with libz80ex", n-bad)
}
