package emu

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLineEditor feeds arbitrary keys (characters and Keys) to the line
// editor of BDOS 10 and the CCP. The line never outgrows its buffer nor
// holds a line end; and while it fits one screen line, the screen (a
// Terminal fed the echo) shows exactly the line, with the cursor where
// the editor's cursor is.
func FuzzLineEditor(f *testing.F) {
	f.Add([]byte("hello\r"), uint8(20), uint8(0))
	f.Add([]byte("ab\x08\x7f\x18\x15\x12\x05\x03x\t\r"), uint8(5), uint8(7))
	f.Add([]byte("\x03"), uint8(0), uint8(79))
	f.Add([]byte("abc\xf0\xf0X\xf4\xf6\xf2\x01\t\xf5Y"), uint8(30), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, max, col uint8) {
		col %= 40
		var e lineEditor
		e.reset(int(max), int(col))
		tm := NewTerminal()
		c := newCore() // echo goes through the BDOS's conout: TABs become spaces
		c.out = tm.Put
		for i := 0; i < int(col); i++ {
			c.conout('>')
		}
		newLines := false
		for _, b := range in {
			k := Key(b)
			if b >= 0xF0 { // bytes F0-F7 stand for the keys
				k = KeyLeft + Key(b&7)
			}
			switch b & 0x7F {
			case keyCR, keyLF, keyCtrlE, keyCtrlU, keyCtrlR:
				newLines = k < 0x100 || newLines
			}
			res := e.feed(k, c.conout)
			if len(e.buf) > int(max) {
				t.Fatalf("line of %d exceeds max %d", len(e.buf), max)
			}
			for _, c := range e.buf {
				if c == keyCR || c == keyLF {
					t.Fatal("line end stored in the line")
				}
			}
			if res != editMore {
				if res == editAbort && len(e.buf) != 0 {
					t.Fatal("abort with text in the line")
				}
				return
			}
			if e.colAt(len(e.buf)) >= Cols-1 {
				newLines = true // the line wraps: the screen can no longer follow it
			}
			if newLines {
				continue
			}
			var shown strings.Builder
			for _, c := range e.buf {
				echoKey(c, func(o byte) {
					if o == keyTab {
						for shown.WriteByte(' '); (int(col)+shown.Len())%8 != 0; {
							shown.WriteByte(' ')
						}
						return
					}
					shown.WriteByte(o & 0x7F)
				})
			}
			row := tm.Lines()[0]
			if got := strings.TrimRight(row[col:], " "); got != strings.TrimRight(shown.String(), " ") {
				t.Fatalf("screen shows %q, the line is %q", got, shown.String())
			}
			if _, c, _ := tm.Cursor(); c != e.colAt(e.cur) {
				t.Fatalf("cursor at column %d, editor at %d", c, e.colAt(e.cur))
			}
		}
	})
}

// FuzzTerminal feeds arbitrary output to the terminal.
func FuzzTerminal(f *testing.F) {
	f.Add([]byte("hello\r\n\x1b=  x\x1bY!!y\x1bJ\x1bK\x1a\x1e\x07\t\b"))
	f.Add([]byte("\x1b=\x7f\x7f\x1bY\x00\x00\x1bI\x1bf\x1be"))
	f.Fuzz(func(t *testing.T, out []byte) {
		tm := NewTerminal()
		tm.Write(out)
		lines := tm.Lines()
		if len(lines) != Rows {
			t.Fatalf("%d rows", len(lines))
		}
		for _, l := range lines {
			if len(l) != Cols {
				t.Fatalf("row of %d", len(l))
			}
			for i := 0; i < len(l); i++ {
				if l[i] < 0x20 || l[i] >= 0x7F {
					t.Fatalf("unprintable %02X on screen", l[i])
				}
			}
		}
		r, c, _ := tm.Cursor()
		if r < 0 || r >= Rows || c < 0 || c >= Cols {
			t.Fatalf("cursor %d,%d", r, c)
		}
	})
}

// FuzzRunCOM loads and runs arbitrary programs with arbitrary tails, input
// and a file on drive A:, under a T-state limit: no panic, no hang, a
// known reason, and faults that say what happened.
func FuzzRunCOM(f *testing.F) {
	f.Add([]byte{0x11, 0x09, 0x01, 0x0E, 0x09, 0xCD, 0x05, 0x00, 0xC9, 'H', 'I', '$'}, "tail", "input\n")
	f.Add([]byte{0x0E, 0x0A, 0x11, 0x00, 0x02, 0xCD, 0x05, 0x00, 0x18, 0xF6}, "", "a\nb\x08c\n\x03")
	f.Add([]byte{0x0E, 0x0F, 0x11, 0x5C, 0x00, 0xCD, 0x05, 0x00, 0x0E, 0x14, 0xCD, 0x05, 0x00, 0xC9}, "DATA.TXT", "")
	f.Add([]byte{0xED, 0xB0, 0x76}, "", "")
	f.Add([]byte{}, "", "")
	f.Fuzz(func(t *testing.T, com []byte, tail, input string) {
		if len(tail) > 100 {
			tail = tail[:100]
		}
		const limit = 200_000
		r, err := RunCOM(com, RunOptions{
			Tail: tail, Input: input, MaxTStates: limit,
			Files: fstest.MapFS{"DATA.TXT": {Data: []byte("some data\r\n")}},
		})
		if err != nil {
			if strings.Contains(err.Error(), "tail") {
				return
			}
			t.Fatal(err)
		}
		switch r.Reason {
		case ReasonExit, ReasonExhausted, ReasonLimit:
			if r.Fault != nil {
				t.Fatalf("%s with a fault: %v", r.Reason, r.Fault)
			}
		case ReasonFault:
			if r.Fault == nil || r.Fault.Error() == "" {
				t.Fatal("fault without a message")
			}
		default:
			t.Fatalf("reason %q", r.Reason)
		}
		if r.TStates > limit+30 {
			t.Fatalf("%d T-states past a limit of %d", r.TStates, limit)
		}
	})
}

// FuzzCCP types arbitrary keys at the A> prompt (bytes F0-F7 stand for
// the Keys), then ^U and Return: whatever the keys did (commands,
// programs, ERA's question), the A> prompt comes back, and the machine
// waits at it.
func FuzzCCP(f *testing.F) {
	f.Add([]byte("dir\rtype a.txt\rren b.txt=a.txt\rera *.*\rhi one two\r"))
	f.Add([]byte("dir ????????.???\rren =\rera\rtype\r\x03a:\rA:X.COM\r"))
	f.Add([]byte("save 1 x.com\rx\ruser 5\rdir\rera *.*\ry\rb:\r\xf2\r"))
	f.Fuzz(func(t *testing.T, keys []byte) {
		m, err := New(Config{Files: fstest.MapFS{
			"A.TXT":  {Data: []byte("text\r\n")},
			"HI.COM": {Data: []byte{0x11, 0x09, 0x01, 0x0E, 0x09, 0xCD, 0x05, 0x00, 0xC9, 'H', 'I', '$'}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range keys {
			if b >= 0xF0 && b <= 0xF7 {
				m.PressKey(KeyLeft + Key(b&7))
			} else {
				m.Type(string([]byte{b}))
			}
		}
		for i := 0; i < 50 && m.RunFor(100_000) != Waiting; i++ {
		}
		m.Type("\x15\r")
		for i := 0; i < 50 && m.RunFor(100_000) != Waiting; i++ {
		}
		s := screen(m)
		if len(m.Terminal().Lines()) != Rows || len(s) == 0 || s[len(s)-1] != "A>" || m.Program() != "" || !m.Waiting() {
			t.Fatalf("no prompt after %q: program %q waiting %v, screen:\n%s", keys, m.Program(), m.Waiting(), strings.Join(s, "\n"))
		}
	})
}

// FuzzSubmit puts arbitrary records in $$$.SUB: the CCP runs one command
// per record, last record first, and once they are done the file is gone
// and the A> prompt is back.
func FuzzSubmit(f *testing.F) {
	const maxSubmitRecords = 2 // the records the fuzzer fills
	f.Add([]byte("\x03DIR"), []byte("\x08TYPE A.TXT"))
	f.Add([]byte("\x7fHI"), []byte("\x00"))
	f.Add([]byte("\x05ERA *.*"), []byte("\x0Buser 2\rdir"))
	f.Fuzz(func(t *testing.T, r1, r2 []byte) {
		sub := make([]byte, maxSubmitRecords*recordSize)
		copy(sub, r1)
		copy(sub[recordSize:], r2)
		m, err := New(Config{Files: fstest.MapFS{
			"A.TXT":   {Data: []byte("text\r\n")},
			"HI.COM":  {Data: []byte{0x11, 0x09, 0x01, 0x0E, 0x09, 0xCD, 0x05, 0x00, 0xC9, 'H', 'I', '$'}},
			"$$$.SUB": {Data: sub},
		}})
		if err != nil {
			t.Fatal(err)
		}
		// Each command that waits for a line (ERA *.* asks ALL (Y/N)?, a
		// record may hold several) gets an empty one, until the prompt.
		for round := 0; round < 2*maxSubmitRecords+1; round++ {
			for i := 0; i < 50 && m.RunFor(100_000) != Waiting; i++ {
			}
			if atPrompt(m) {
				break
			}
			m.Type("\x15\r")
		}
		for u := byte(0); u < 16; u++ {
			if m.c.bdos.disk.file(u, submitName) != nil {
				t.Fatalf("$$$.SUB is still there (user %d)", u)
			}
		}
		// The CCP echoes each command as it is, so a record's control
		// characters may move the cursor (ADM-3A: 0Bh is up) and the
		// prompt may land on a line that holds older text: the prompt is
		// back when the cursor stands just after an "A>" and the CCP waits.
		if !atPrompt(m) {
			row, col, _ := m.Terminal().Cursor()
			t.Fatalf("no prompt: program %q waiting %v, cursor at %d,%d, screen:\n%s", m.Program(), m.Waiting(), row, col, strings.Join(screen(m), "\n"))
		}
	})
}

// atPrompt: the CCP waits with the cursor just after an "A>".
func atPrompt(m *Machine) bool {
	row, col, _ := m.Terminal().Cursor()
	return strings.HasPrefix(m.Terminal().Lines()[row], "A>") && col == 2 && m.Program() == "" && m.Waiting()
}
