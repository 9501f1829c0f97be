package emu

import (
	"strings"
)

// The CCP: the A> prompt and its built-in commands, written in Go. It reads
// its line with the same editor as BDOS 10 and takes no Z80 time.
//
//	DIR [afn]       list files (wildcards * and ?), four to a line
//	TYPE ufn        show a text file (to the first ^Z)
//	ERA afn         erase files
//	REN new=old     rename a file
//	NAME [tail]     run NAME.COM with a command tail (also NAME.COM, A:NAME)
//	A:              select drive A: (the only one)

const ccpLineMax = 127

// ccp advances the command processor: prints the prompt, takes the keys
// that are queued and runs a complete line. It returns false when it needs
// more keys.
func (m *Machine) ccp() bool {
	c := m.c
	if !m.prompt {
		// The prompt starts a fresh line; it does not add an empty one.
		if c.column != 0 {
			c.print("\r\n")
		}
		c.print("A>")
		m.prompt = true
		m.edit.reset(ccpLineMax, c.column)
	}
	for {
		k, ok := c.keys.pop()
		if !ok {
			return false
		}
		switch m.edit.feed(k, c.conout) {
		case editAbort:
			m.prompt = false
			return true
		case editDone:
			m.prompt = false
			line := string(m.edit.buf)
			c.print("\n")
			m.command(line)
			return true
		}
	}
}

// command runs one command line.
func (m *Machine) command(line string) {
	line = strings.TrimLeft(strings.ToUpper(line), " \t")
	if line == "" {
		return
	}
	name, tail := line, ""
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		name, tail = line[:i], line[i:]
	}
	switch name {
	case "DIR":
		m.dir(tail)
	case "TYPE":
		m.typeFile(tail)
	case "ERA":
		m.era(tail)
	case "REN":
		m.ren(tail)
	case "A:":
	default:
		m.run(name, tail)
	}
}

// pattern parses a file name argument into its 11-byte form; ok is false
// for another drive or an empty name.
func pattern(w string) (string, bool) {
	f := parseFCB(strings.TrimSpace(w))
	if f[0] > 1 {
		return "", false
	}
	return string(f[1:12]), f[1] != ' '
}

func (m *Machine) dir(arg string) {
	c := m.c
	pat := "???????????"
	if f := parseFCB(strings.TrimSpace(arg)); f[0] > 1 {
		c.print("NO FILE") // only A: exists
		return
	} else if f[1] != ' ' {
		pat = string(f[1:12])
		if pat[8:] == "   " && !strings.Contains(arg, ".") {
			pat = pat[:8] + "???" // DIR NAME lists NAME with any type
		}
	}
	n := 0
	for _, f := range c.bdos.disk.names() {
		if !match(pat, f) {
			continue
		}
		if n%4 == 0 {
			if n > 0 {
				c.print("\r\n")
			}
			c.print("A")
		}
		c.print(": " + f[:8] + " " + f[8:])
		if n%4 != 3 {
			c.print(" ")
		}
		n++
	}
	if n == 0 {
		c.print("NO FILE")
	}
}

func (m *Machine) typeFile(arg string) {
	c := m.c
	p, ok := pattern(arg)
	if !ok || containsWild(p) || c.bdos.disk.files[p] == nil {
		c.print("NO FILE")
		return
	}
	data := c.bdos.disk.files[p].data
	for i, b := range data {
		if b == eofByte {
			break
		}
		// Host text files often end lines with LF alone; show them as
		// CP/M would have stored them.
		if b == '\n' && (i == 0 || data[i-1] != '\r') {
			c.conout('\r')
		}
		c.conout(b)
	}
}

func (m *Machine) era(arg string) {
	c := m.c
	p, ok := pattern(arg)
	if !ok {
		c.print("NO FILE")
		return
	}
	if c.bdos.disk.readOnly {
		c.print("Bdos Err On A: R/O")
		return
	}
	n := 0
	for _, f := range c.bdos.disk.names() {
		if match(p, f) {
			if err := c.bdos.disk.remove(f); err != nil {
				c.print("ERA: " + err.Error())
				return
			}
			n++
		}
	}
	if n == 0 {
		c.print("NO FILE")
	}
}

func (m *Machine) ren(arg string) {
	c := m.c
	nw, old, found := strings.Cut(arg, "=")
	np, ok1 := pattern(nw)
	op, ok2 := pattern(old)
	switch {
	case !found || !ok1 || !ok2 || containsWild(np) || containsWild(op):
		c.print("REN NEW=OLD?")
	case c.bdos.disk.readOnly:
		c.print("Bdos Err On A: R/O")
	case c.bdos.disk.files[op] == nil:
		c.print("NO FILE")
	case c.bdos.disk.files[np] != nil:
		c.print("FILE EXISTS")
	default:
		if err := c.bdos.disk.rename(op, np); err != nil {
			c.print("REN: " + err.Error())
		}
	}
}

// run loads NAME.COM and starts it with the command tail.
func (m *Machine) run(name, tail string) {
	c := m.c
	p, ok := pattern(name)
	if ok && p[8:] == "   " {
		p = p[:8] + "COM"
	}
	if !ok || containsWild(p) || p[8:] != "COM" || c.bdos.disk.files[p] == nil {
		c.print(name + "?")
		return
	}
	if err := c.load(c.bdos.disk.files[p].data, tail); err != nil {
		if f, ok := err.(*Fault); ok {
			c.print(f.What) // nothing ran: the registers say nothing
		} else {
			c.print(err.Error())
		}
		return
	}
	m.prog = strings.TrimRight(p[:8], " ")
}
