package emu

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
)

// Config describes the machine to boot.
type Config struct {
	Files    fs.FS  // drive A: contents, copied into memory; nil = empty
	HostDir  string // or: a host directory mapped as drive A:
	Writable bool   // let programs change HostDir (read-only otherwise)
	Autoexec string // a command line the CCP runs at boot, e.g. "GUESS"
}

// Status tells why RunFor returned.
type Status int

const (
	// Running: the T-state budget is used up; the machine has more to do.
	Running Status = iota
	// Waiting: the machine waits for a key. A program reading with BDOS
	// 1 or 10 (or the CCP) found the queue empty, or a program polling with
	// BDOS 6/11 found no key pollsBeforeIdle times in a row. Calling RunFor
	// again before a key is typed is harmless and costs almost nothing.
	Waiting
)

func (s Status) String() string {
	switch s {
	case Running:
		return "running"
	case Waiting:
		return "waiting"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Machine is a CP/M 2.2 computer: a Z80 with 64 KB, the BDOS, a CCP, drive
// A: and an 80x24 terminal.
//
// Time: the Z80's instructions are counted exactly; BDOS calls cost the
// jump in and the return (20 T-states), and the CCP's own work costs none.
// A read that waits for a key costs nothing while it waits: time on this
// machine stands still while nothing happens, rather than being spent in a
// polling loop.
type Machine struct {
	c       *core
	term    *Terminal
	prog    string // running program, "" at the CCP prompt
	prompt  bool   // the CCP has printed its prompt and is reading a line
	edit    lineEditor
	waiting bool
}

// SignOn is the line the machine prints when it boots.
const SignOn = "64K CP/M 2.2 on a 4 MHz Z80 (Z80-uLM emulator)"

// New boots the machine: sign-on line, A> prompt, then the autoexec line as
// if it had been typed.
func New(cfg Config) (*Machine, error) {
	var d *drive
	var err error
	switch {
	case cfg.HostDir != "" && cfg.Files != nil:
		return nil, errors.New("emu: Config.Files and Config.HostDir are both set; pick one")
	case cfg.HostDir != "":
		d, err = newHostDrive(cfg.HostDir, cfg.Writable)
	default:
		d, err = newMemDrive(cfg.Files)
	}
	if err != nil {
		return nil, err
	}
	m := &Machine{c: newCore(), term: NewTerminal()}
	m.c.bdos.disk = d
	m.c.out = m.term.Put
	m.c.print(SignOn + "\r\n")
	if cfg.Autoexec != "" {
		m.c.keys.push(normalizeKeys(cfg.Autoexec + "\r"))
	}
	return m, nil
}

// RunFor runs the machine for up to n T-states and tells whether it used
// them all (Running) or stopped early to wait for a key (Waiting).
func (m *Machine) RunFor(n uint64) (st Status) {
	c := m.c
	limit := c.t + n
	if limit < c.t {
		limit = math.MaxUint64
	}
	m.waiting = false
	defer func() {
		// A panic must never reach the front end: it ends the program
		// like a fault.
		if r := recover(); r != nil {
			c.faultf("internal error: %v", r)
			m.endProgram(c.fault)
			st = Running
		}
	}()
	for {
		if m.prog == "" {
			if !m.ccp() {
				m.waiting = true
				return Waiting
			}
			continue
		}
		switch c.run(limit) {
		case stopBudget:
			return Running
		case stopWait:
			m.waiting = true
			return Waiting
		case stopExit:
			m.endProgram(nil)
		case stopFault:
			m.endProgram(c.fault)
		}
	}
}

// endProgram returns to the CCP after a warm boot or a fault.
func (m *Machine) endProgram(f *Fault) {
	if f != nil {
		if m.c.column != 0 {
			m.c.print("\r\n")
		}
		m.c.print(f.screenText())
	}
	m.prog = ""
	m.c.bdos.reset()
	m.c.mem.warmMemory()
}

// Type queues keys for the console; "\n" and "\r\n" are typed as CR (the
// Return key). Nothing typed is ever dropped.
func (m *Machine) Type(s string) {
	m.c.keys.push(normalizeKeys(s))
}

// Terminal returns the screen.
func (m *Machine) Terminal() *Terminal { return m.term }

// TStates returns the T-states executed since boot.
func (m *Machine) TStates() uint64 { return m.c.t }

// Program returns the name of the running program, "" at the CCP prompt.
func (m *Machine) Program() string { return m.prog }

// Waiting reports whether the last RunFor stopped to wait for a key and no
// key has been typed since.
func (m *Machine) Waiting() bool { return m.waiting && m.c.keys.len() == 0 }
