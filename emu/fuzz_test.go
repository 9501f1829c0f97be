package emu

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLineEditor feeds arbitrary keys to the BDOS 10 line editor.
func FuzzLineEditor(f *testing.F) {
	f.Add([]byte("hello\r"), uint8(20), uint8(0))
	f.Add([]byte("ab\x08\x7f\x18\x15\x12\x05\x03x\t\r"), uint8(5), uint8(7))
	f.Add([]byte("\x03"), uint8(0), uint8(79))
	f.Fuzz(func(t *testing.T, keys []byte, max, col uint8) {
		var e lineEditor
		e.reset(int(max), int(col))
		for _, k := range keys {
			res := e.feed(Key(k), func(b byte) {})
			if len(e.buf) > int(max) {
				t.Fatalf("line of %d exceeds max %d", len(e.buf), max)
			}
			for _, b := range e.buf {
				if b == keyCR || b == keyLF {
					t.Fatal("line end stored in the line")
				}
			}
			if res != editMore {
				if res == editAbort && len(e.buf) != 0 {
					t.Fatal("abort with text in the line")
				}
				e.reset(int(max), int(col))
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

// FuzzCCP types arbitrary command lines at the A> prompt.
func FuzzCCP(f *testing.F) {
	f.Add("dir\rtype a.txt\rren b.txt=a.txt\rera *.*\rhi one two\r")
	f.Add("dir ????????.???\rren =\rera\rtype\r\x03a:\rA:X.COM\r")
	f.Fuzz(func(t *testing.T, keys string) {
		m, err := New(Config{Files: fstest.MapFS{
			"A.TXT":  {Data: []byte("text\r\n")},
			"HI.COM": {Data: []byte{0x11, 0x09, 0x01, 0x0E, 0x09, 0xCD, 0x05, 0x00, 0xC9, 'H', 'I', '$'}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		m.Type(keys)
		for i := 0; i < 50; i++ {
			if m.RunFor(100_000) == Waiting {
				break
			}
		}
		if len(m.Terminal().Lines()) != Rows {
			t.Fatal("screen lost its shape")
		}
	})
}
