package emu

import (
	"strconv"
	"strings"
)

// The CCP: the A> prompt and its built-in commands, written in Go (docs/
// DESIGN.md, "The CP/M machine"). It reads its line with the same editor
// as BDOS 10 (up to 127 characters) and takes no Z80 time.
//
//	DIR [afn]       list the current user's files (not the SYS ones), four to a line
//	TYPE ufn        show a text file (to the first ^Z)
//	ERA afn         erase files (ERA *.* asks ALL (Y/N)? first)
//	REN new=old     rename a file
//	SAVE n ufn      save n pages (256 bytes) from 0100h as a file
//	USER n          select user number n (0-15)
//	NAME [tail]     run NAME.COM with a command tail (also NAME.COM, A:NAME)
//	A:              select drive A: (the only one; B: and up are a select error)
//
// Like CP/M's CCP it runs the commands of a $$$.SUB file (which SUBMIT
// writes) before it reads the keyboard: the file's last record holds the
// next command; a key pressed while it runs stops the submission.

const ccpLineMax = 127

// submitName is the file the CCP takes commands from, when it is there.
var submitName = func() string { n, _ := cpmName("$$$.SUB"); return n }()

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
		if m.confirm == "" {
			c.print("A>")
			if line, ok := m.submitted(); ok {
				c.print(line + "\r\n")
				m.command(line)
				return true
			}
		}
		m.prompt = true
		c.edit.reset(ccpLineMax, c.column)
	}
	for {
		k, ok := c.keys.pop()
		if !ok {
			return false
		}
		switch c.edit.feed(k, c.conout) {
		case editAbort:
			c.print("^C")
			m.prompt, m.confirm = false, ""
			return true
		case editEnd:
			c.ended = true
			return false
		case editDone:
			m.prompt = false
			line := strings.ToUpper(string(c.edit.buf))
			c.print("\n")
			if m.confirm != "" {
				if strings.TrimSpace(line) == "Y" {
					m.erase(m.confirm)
				}
				m.confirm = ""
				return true
			}
			m.command(line)
			return true
		}
	}
}

// submitted takes the next command of a $$$.SUB file, if there is one: the
// file's last record (a length byte and the text), which it then drops
// from the file, and the file itself once it is empty. The file is the
// current user's, or, once a submission runs, that of the user it began
// in (a USER command in it does not lose it). A key waiting stops the
// submission (the file is erased).
func (m *Machine) submitted() (string, bool) {
	d := m.c.bdos.disk
	k := fileKey{m.c.bdos.user, submitName}
	if m.submitting && d.files[fileKey{m.subUser, submitName}] != nil {
		k.user = m.subUser
	}
	f := d.files[k]
	m.submitting, m.subUser = f != nil, k.user
	if f == nil {
		return "", false
	}
	if m.c.keys.len() > 0 || f.records() == 0 {
		d.remove(k)
		return "", false
	}
	var rec [recordSize]byte
	last := f.records() - 1
	f.readRecord(last, rec[:])
	if err := d.truncate(k, last*recordSize); err != nil {
		m.c.print("SUBMIT: " + err.Error())
		return "", false
	}
	if last == 0 {
		d.remove(k)
	}
	n := min(int(rec[0]), recordSize-1)
	line := strings.TrimRight(string(rec[1:1+n]), "\x00")
	return strings.ToUpper(line), true
}

// command runs one command line.
func (m *Machine) command(line string) {
	line = strings.TrimLeft(line, " \t")
	if line == "" {
		return
	}
	name, tail := line, ""
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		name, tail = line[:i], line[i:]
	}
	if len(name) == 2 && name[1] == ':' {
		if name[0] != 'A' {
			m.bdosError((name[0]-'A')&0x0F, "Select")
		}
		return
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
	case "SAVE":
		m.save(tail)
	case "USER":
		m.user(tail)
	default:
		m.run(name, tail)
	}
}

// bdosError prints a BDOS error met by a command (on the command's line
// already ended, unlike a program's).
func (m *Machine) bdosError(drive byte, what string) {
	m.c.print(bdosErrorText(drive, what))
}

// fileArg parses a command's file name argument; ok is false (with the
// error printed) when it names another drive.
func (m *Machine) fileArg(arg string) (name string, ok bool) {
	f, _ := parseFCB(arg)
	if f[0] > 1 {
		m.bdosError(f[0]-1, "Select")
		return "", false
	}
	return string(f[1:12]), true
}

func (m *Machine) dir(arg string) {
	c := m.c
	pat, ok := m.fileArg(arg)
	if !ok {
		return
	}
	switch {
	case pat == blankName:
		pat = "???????????"
	case pat[8:] == "   " && !strings.Contains(arg, "."):
		pat = pat[:8] + "???" // DIR NAME lists NAME with any type
	}
	n := 0
	d := c.bdos.disk
	for _, f := range d.names(c.bdos.user) {
		if !match(pat, f) || d.file(c.bdos.user, f).attrs&attrSys != 0 {
			continue
		}
		if n%4 == 0 {
			if n > 0 {
				c.print("\r\n")
			}
			c.print("A")
		}
		c.printShown(": " + f[:8] + " " + f[8:])
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
	p, ok := m.fileArg(arg)
	if !ok {
		return
	}
	f := c.bdos.disk.file(c.bdos.user, p)
	if containsWild(p) || f == nil {
		c.print("NO FILE")
		return
	}
	for i, b := range f.data {
		if b == eofByte {
			break
		}
		// Host text files often end lines with LF alone; show them as
		// CP/M would have stored them.
		if b == '\n' && (i == 0 || f.data[i-1] != '\r') {
			c.conout('\r')
		}
		c.conout(b)
	}
}

func (m *Machine) era(arg string) {
	c := m.c
	p, ok := m.fileArg(arg)
	if !ok {
		return
	}
	if p == blankName {
		c.print("ERA?")
		return
	}
	if p == "???????????" {
		c.print("ALL (Y/N)?")
		m.confirm = p
		return
	}
	m.erase(p)
}

// erase erases the current user's files that match p.
func (m *Machine) erase(p string) {
	c := m.c
	d := c.bdos.disk
	if d.readOnly {
		m.bdosError(0, "R/O")
		return
	}
	n := 0
	for _, f := range d.names(c.bdos.user) {
		if !match(p, f) {
			continue
		}
		k := fileKey{c.bdos.user, f}
		if d.files[k].attrs&attrRO != 0 {
			m.bdosError(0, "File R/O")
			return
		}
		if err := d.remove(k); err != nil {
			c.print("ERA: " + err.Error())
			return
		}
		n++
	}
	if n == 0 {
		c.print("NO FILE")
	}
}

func (m *Machine) ren(arg string) {
	c := m.c
	nw, old, found := strings.Cut(arg, "=")
	np, ok1 := m.fileArg(nw)
	if !ok1 {
		return
	}
	op, ok2 := m.fileArg(old)
	if !ok2 {
		return
	}
	d := c.bdos.disk
	u := c.bdos.user
	switch {
	case !found || np == blankName || op == blankName || containsWild(np) || containsWild(op):
		c.print("REN?")
	case d.readOnly:
		m.bdosError(0, "R/O")
	case d.file(u, op) == nil:
		c.print("NO FILE")
	case d.file(u, np) != nil:
		c.print("FILE EXISTS")
	default:
		if err := d.rename(fileKey{u, op}, fileKey{u, np}); err != nil {
			c.print("REN: " + err.Error())
		}
	}
}

// save writes n pages of the TPA (from 0100h) as a file, replacing one of
// the same name.
func (m *Machine) save(arg string) {
	c := m.c
	fields := strings.Fields(arg)
	n, err := strconv.Atoi(strings.TrimSpace(strings.Join(fields[:min(1, len(fields))], "")))
	if err != nil || n < 0 || n > 255 || len(fields) < 2 {
		c.print("SAVE?")
		return
	}
	p, ok := m.fileArg(strings.Join(fields[1:], " "))
	if !ok {
		return
	}
	if p == blankName || containsWild(p) {
		c.print("SAVE?")
		return
	}
	d := c.bdos.disk
	k := fileKey{c.bdos.user, p}
	switch {
	case d.readOnly:
		m.bdosError(0, "R/O")
		return
	case d.files[k] != nil && d.files[k].attrs&attrRO != 0:
		m.bdosError(0, "File R/O")
		return
	case d.fits(k, n*256) != nil:
		c.print("NO SPACE")
		return
	}
	if err := d.create(k); err != nil {
		c.print("SAVE: " + err.Error())
		return
	}
	for r := 0; r < 2*n; r++ {
		var rec [recordSize]byte
		c.mem.get(uint16(tpaBase+r*recordSize), rec[:])
		if _, err := d.writeRecord(k, r, rec[:]); err != nil {
			c.print("SAVE: " + err.Error())
			return
		}
	}
}

// user selects the user number.
func (m *Machine) user(arg string) {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || n < 0 || n > 15 {
		m.c.print("USER?")
		return
	}
	m.c.bdos.user = byte(n)
	m.c.mem[0x0004] = byte(n) << 4
}

// run loads NAME.COM and starts it with the command tail.
func (m *Machine) run(name, tail string) {
	c := m.c
	f, _ := parseFCB(name)
	if f[0] > 1 {
		m.bdosError(f[0]-1, "Select")
		return
	}
	p := string(f[1:12])
	if p[8:] == "   " {
		p = p[:8] + "COM"
	}
	file := c.bdos.disk.file(c.bdos.user, p)
	if p[0] == ' ' || containsWild(p) || p[8:] != "COM" || file == nil {
		c.printShown(name + "?")
		return
	}
	if err := c.load(file.data, tail); err != nil {
		if f, ok := err.(*Fault); ok {
			c.print(f.What) // nothing ran: the registers say nothing
		} else {
			c.print(err.Error())
		}
		return
	}
	m.prog = strings.TrimRight(p[:8], " ")
}
