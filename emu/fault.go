package emu

import (
	"fmt"

	"github.com/koron-go/z80"
)

// Fault stops a program: what went wrong, where, and the registers at that
// moment. It is returned in Result.Fault and printed on the console before
// the machine returns to the CCP.
type Fault struct {
	What string // e.g. "HALT with interrupts disabled", "jump into the BDOS/BIOS area"
	PC   uint16
	Regs z80.States
}

func (f *Fault) Error() string {
	return fmt.Sprintf("%s at PC=%04XH (%s)", f.What, f.PC, f.registers())
}

func (f *Fault) registers() string {
	r := &f.Regs
	return fmt.Sprintf("AF=%04X BC=%04X DE=%04X HL=%04X IX=%04X IY=%04X SP=%04X",
		r.AF.U16(), r.BC.U16(), r.DE.U16(), r.HL.U16(), r.IX, r.IY, r.SP)
}

// screenText is the message as the machine prints it: what and where on
// one line, the registers on the next, each within 80 columns.
func (f *Fault) screenText() string {
	return fmt.Sprintf("%s at PC=%04XH\r\n%s\r\n", f.What, f.PC, f.registers())
}

// faultf records a fault at the current PC and returns the stop it causes.
func (c *core) faultf(format string, args ...any) stop {
	c.fault = &Fault{What: fmt.Sprintf(format, args...), PC: c.cpu.PC, Regs: c.cpu.States}
	return stopFault
}
