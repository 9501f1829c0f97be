package emu

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
)

// Config describes the machine to boot.
type Config struct {
	Files    fs.FS     // drive A: contents, copied into memory; nil = empty
	HostDir  string    // or: a host directory mapped as drive A:
	Writable bool      // let programs change HostDir (read-only otherwise)
	Autoexec string    // a command line the CCP runs at boot, e.g. "GUESS"
	Output   io.Writer // if set, every console byte is also written here, as is
	// CtrlDEnds makes ^D typed on an empty line (a program's BDOS 10 read
	// or the CCP's) end the input, as a terminal's end of file: the
	// machine then waits for good and Ended reports true.
	CtrlDEnds bool
}

// Status tells why RunFor returned.
type Status int

const (
	// Running: the T-state budget is used up; the machine has more to do.
	Running Status = iota
	// Waiting: the machine waits for a key: a program (or the CCP) reads
	// the keyboard and found nothing typed, or a program has been found
	// idle, polling the keyboard with nothing else to do (docs/DESIGN.md,
	// "The CP/M machine"). Calling RunFor again before a key is typed is
	// harmless: a read goes on waiting (only R moves, as in a BIOS waiting
	// for a key), an idle program goes on polling for the time given.
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
// Time: the Z80's instructions are counted exactly; BDOS and BIOS calls
// cost their JP and RET (20 T-states), and the CCP's own work costs none.
// A read that waits for a key costs nothing while it waits: time on this
// machine stands still then (only the R register moves, see RunFor),
// rather than being spent in a polling loop.
type Machine struct {
	c          *core
	term       *Terminal
	prog       string // running program, "" at the CCP prompt
	prompt     bool   // the CCP has printed its prompt and is reading a line
	confirm    string // the CCP asked ERA's ALL (Y/N)? for this pattern
	submitting bool   // the CCP runs a $$$.SUB file of user subUser
	subUser    byte
	waiting    bool
	spinT      uint64 // T-states of waiting not yet turned into R increments
	fault      *Fault // what ended the last program, nil for a warm boot
}

// SignOn is the line the machine prints when it boots.
const SignOn = "64K CP/M 2.2 on a 4 MHz Z80 (Z80-uLM emulator)"

// newDrive makes drive A: from a file system or a host directory.
func newDrive(files fs.FS, hostDir string, writable bool) (*drive, error) {
	switch {
	case hostDir != "" && files != nil:
		return nil, errors.New("emu: Files and HostDir are both set; pick one")
	case hostDir != "":
		return newHostDrive(hostDir, writable)
	default:
		return newMemDrive(files)
	}
}

// New boots the machine: sign-on line, A> prompt, then the autoexec line as
// if it had been typed.
func New(cfg Config) (*Machine, error) {
	d, err := newDrive(cfg.Files, cfg.HostDir, cfg.Writable)
	if err != nil {
		return nil, err
	}
	m := &Machine{c: newCore(), term: NewTerminal()}
	m.c.bdos.disk = d
	m.c.out = m.term.Put
	if w := cfg.Output; w != nil {
		m.c.out = func(b byte) {
			m.term.Put(b)
			w.Write([]byte{b})
		}
	}
	m.c.edit.ctrlDEnds = cfg.CtrlDEnds
	m.c.updateALV()
	m.c.print(SignOn + "\r\n")
	if cfg.Autoexec != "" {
		m.c.keys.push(normalizeKeys(cfg.Autoexec + "\r"))
	}
	return m, nil
}

// RunFor runs the machine for up to n T-states and tells whether it used
// them all (Running) or stopped early to wait for a key (Waiting). While
// a program waits in a read, the T-states it is given turn the R register
// as a BIOS spinning in its keyboard loop would (one increment per 10
// T-states: an IN, AND, JR loop of 30 T-states and three opcode fetches),
// so a program that seeds a random generator from R when a key arrives
// sees how long the person took; scripted runs never wait, so they stay
// deterministic.
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
		if c.ended {
			m.waiting = true
			return Waiting
		}
		if m.prog == "" {
			if !m.ccp() {
				m.wait(limit)
				return Waiting
			}
			continue
		}
		switch c.run(limit) {
		case stopBudget:
			if c.polls.idle {
				m.waiting = true
				return Waiting
			}
			return Running
		case stopWait:
			m.wait(limit)
			return Waiting
		case stopIdle:
			m.waiting = true
			return Waiting
		case stopExit:
			m.endProgram(nil)
		case stopFault:
			m.endProgram(c.fault)
		}
	}
}

// spinT is the T-states per R increment of a BIOS waiting for a key.
const spinT = 10

// wait notes that the machine waits in a read and turns the rest of the
// budget into R increments.
func (m *Machine) wait(limit uint64) {
	m.waiting = true
	if limit == math.MaxUint64 || limit <= m.c.t {
		return
	}
	m.spinT += limit - m.c.t
	m.c.bumpR(int(m.spinT / spinT % 128))
	m.spinT %= spinT
}

// Start loads a program directly, as if the CCP had found it on drive A:
// and run it with the command tail (the CCP's prompt comes after it).
func (m *Machine) Start(com []byte, name, tail string) error {
	if err := m.c.load(com, tail); err != nil {
		return err
	}
	m.prompt, m.confirm, m.fault = false, "", nil
	m.prog = name
	return nil
}

// Ended reports whether ^D on an empty line ended the input
// (Config.CtrlDEnds).
func (m *Machine) Ended() bool { return m.c.ended }

// Fault returns the fault that ended the last program, or nil if it ended
// with a warm boot.
func (m *Machine) Fault() error {
	if m.fault == nil {
		return nil
	}
	return m.fault
}

// endProgram returns to the CCP after a warm boot or a fault.
func (m *Machine) endProgram(f *Fault) {
	c := m.c
	m.fault = f
	if f != nil {
		if c.column != 0 {
			c.print("\r\n")
		}
		c.print(f.screenText())
	}
	m.prog = ""
	c.bdos.reset()
	c.polls = pollState{}
	c.mem.warmMemory()
}

// Type queues keys for the console; "\n" and "\r\n" are typed as CR (the
// Return key). Nothing typed is ever dropped.
func (m *Machine) Type(s string) {
	m.c.keys.push(normalizeKeys(s))
}

// PressKey queues a key that is not a character (an arrow, Home, End,
// Delete, Esc), in order with typed text; what it does is decided when a
// program reads it (Key).
func (m *Machine) PressKey(k Key) {
	m.c.keys.pushKey(k)
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

// Computing reports whether a program is running and not waiting for a
// key: the machine is working on something (a reply, say).
func (m *Machine) Computing() bool { return m.prog != "" && !m.Waiting() }

// LastCharTStates returns the cost of a character of the program's latest
// reply (what it prints between two reads of the keyboard): the most
// T-states between two characters it printed one after the other in that
// reply, so far; 0 before any reply had two characters. Characters of one
// string (one BDOS 9 call) come at the same T-state, so the figure is what
// the costliest character took to make: for GUESS and CHAT, a character
// of the model's answer. A new reply keeps the last figure until it has
// printed two characters itself.
func (m *Machine) LastCharTStates() uint64 { return m.c.charT }

// UnknownBDOS returns how often each BDOS function CP/M 2.2 does not have
// was called (they return 0 in A and HL).
func (m *Machine) UnknownBDOS() map[byte]int { return copyCounts(m.c.bdos.unknown) }

func copyCounts(in map[byte]int) map[byte]int {
	out := map[byte]int{}
	for k, v := range in {
		out[k] = v
	}
	return out
}
