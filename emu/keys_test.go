package emu

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// lineProgram reads one line with BDOS 10 into a 20-character buffer and
// prints it between brackets.
const lineProgram = `
        ld de,buf
        ld c,10
        call 5
        ld e,10         ; a new line (BDOS 10 echoes only CR)
        ld c,2
        call 5
        ld a,(buf+1)
        ld l,a
        ld h,0
        ld de,buf+2
        add hl,de
        ld (hl),']'
        inc hl
        ld (hl),'$'
        ld e,'['
        ld c,2
        call 5
        ld de,buf+2
        ld c,9
        call 5
        ret
buf:    db 20,0
        ds 22
`

// typing drives a machine through keys and text in order.
type typing []any // string or Key

func (ks typing) into(m *Machine) {
	for _, k := range ks {
		switch k := k.(type) {
		case string:
			m.Type(k)
		case Key:
			m.PressKey(k)
		}
	}
}

// runToEnd runs m until it waits or 100 budgets have passed.
func runToEnd(m *Machine) {
	for i := 0; i < 100 && m.RunFor(1_000_000) == Running; i++ {
	}
}

// TestKeysEditALine: in a program's BDOS 10 read the keys move the cursor
// and edit the line; the screen shows the line as it is.
func TestKeysEditALine(t *testing.T) {
	cases := []struct {
		keys typing
		want string
	}{
		{typing{"helo", KeyLeft, "l", "\r"}, "[hello]"},
		{typing{"world", KeyHome, "hello ", KeyEnd, "!", "\r"}, "[hello world!]"},
		{typing{"abXc", KeyLeft, KeyLeft, KeyDelete, "\r"}, "[abc]"},
		{typing{"abc", KeyLeft, "\b", "\r"}, "[ac]"},
		{typing{"is it big", KeyEsc, "is it small", "\r"}, "[is it small]"},
		{typing{"ab", KeyRight, KeyRight, KeyLeft, KeyLeft, KeyLeft, "x", "\r"}, "[xab]"},
		{typing{"\x01\x02", KeyLeft, "c", "\r"}, "[\x01c\x02]"},
	}
	for _, tc := range cases {
		m, _ := New(Config{Files: fstest.MapFS{"LINE.COM": {Data: assemble(t, lineProgram)}}, Autoexec: "LINE"})
		runToEnd(m)
		tc.keys.into(m)
		runToEnd(m)
		s := screen(m)
		var typed string
		for i, l := range s {
			if l == "A>LINE" && i+2 < len(s) {
				typed, s = s[i+1], s[i+2:]
				break
			}
		}
		if len(s) == 0 || s[0] != strings.NewReplacer("\x01", "", "\x02", "").Replace(tc.want) {
			t.Errorf("%q: screen after the line %q, want %q", tc.keys, s, tc.want)
		}
		// What the screen shows as typed is the line itself (with ^X for
		// control characters).
		shown := strings.NewReplacer("\x01", "^A", "\x02", "^B").Replace(strings.Trim(tc.want, "[]"))
		if typed != shown {
			t.Errorf("%q: typed line shows %q, want %q", tc.keys, typed, shown)
		}
	}
}

// TestKeysAtThePrompt: the CCP's line has the same editor, and Up brings
// back the previous line.
func TestKeysAtThePrompt(t *testing.T) {
	m, _ := New(Config{Files: fstest.MapFS{"A.TXT": {Data: []byte("alpha\r\n")}}})
	runToEnd(m)
	typing{"TYP A.TXT", KeyLeft, KeyLeft, KeyLeft, KeyLeft, KeyLeft, KeyLeft, "E", "\r"}.into(m)
	runToEnd(m)
	typing{KeyUp, "\r"}.into(m)
	runToEnd(m)
	wantScreen(t, m, SignOn, "A>TYPE A.TXT", "alpha", "A>TYPE A.TXT", "alpha", "A>")
	// Esc clears the line on the screen too: nothing of it is left.
	typing{"DIR X", KeyEsc}.into(m)
	runToEnd(m)
	wantScreen(t, m, SignOn, "A>TYPE A.TXT", "alpha", "A>TYPE A.TXT", "alpha", "A>")
}

// rawProgram reads keys with BDOS 1, BDOS 6 and BIOS CONIN and prints each
// as hex.
const rawProgram = `
        ld b,10
next:   push bc
        ld c,6
        ld e,0FFh
        call 5          ; direct input, 0 if no key
        or a
        jr z,wait
        call hexa
        pop bc
        djnz next
        ret
wait:   ld c,1          ; no key: wait for one with BDOS 1
        call 5
        call hexa
        pop bc
        djnz next
        ret
` + hexaSource

// TestKeysInRawReads: in raw reads the keys are the WordStar keys, taken
// in order with the typed characters, translated when read.
func TestKeysInRawReads(t *testing.T) {
	m, _ := New(Config{Files: fstest.MapFS{"RAW.COM": {Data: assemble(t, rawProgram)}}, Autoexec: "RAW"})
	runToEnd(m)
	typing{"a", KeyLeft, KeyRight, KeyUp, KeyDown, KeyHome, KeyEnd, KeyDelete, KeyEsc}.into(m)
	runToEnd(m)
	s := strings.Join(screen(m), "\n")
	// a, ^S ^D ^E ^X, ^Q S, ^Q D, ^G, ESC: ten characters.
	if want := "a61 13 04 05 18 11 53 11 44 07\nA>"; !strings.Contains(s, want) {
		t.Fatalf("screen %q, want %q", s, want)
	}
	// BIOS CONIN sees them the same way.
	p := assemble(t, `
        ld b,3
next:   push bc
        ld hl,(1)
        ld de,6         ; WBOOT+6 = CONIN
        add hl,de
        call jphl
        call hexa
        pop bc
        djnz next
        ret
jphl:   jp (hl)
`+hexaSource)
	m, _ = New(Config{Files: fstest.MapFS{"RAW.COM": {Data: p}}, Autoexec: "RAW"})
	runToEnd(m)
	typing{KeyUp, KeyEsc}.into(m)
	runToEnd(m)
	if s := strings.Join(screen(m), "\n"); !strings.HasSuffix(s, "A>RAW\n05 1B") || m.Program() != "RAW" {
		t.Fatalf("CONIN: screen %q", s)
	}
}

// TestCtrlCAtAnEmptyLine: ^C at an empty line of a program's BDOS 10 read
// warm boots, and says so on the screen first.
func TestCtrlCAtAnEmptyLine(t *testing.T) {
	m, _ := New(Config{Files: fstest.MapFS{"LINE.COM": {Data: assemble(t, lineProgram)}}, Autoexec: "LINE"})
	runToEnd(m)
	m.Type("\x03")
	runToEnd(m)
	wantScreen(t, m, SignOn, "A>LINE", "^C", ctrlCNote, "A>")
	if m.Program() != "" {
		t.Fatalf("program %q still running", m.Program())
	}
}

// TestComputingAndCharTime: Computing is true while a program works on a
// reply, false while it waits; LastCharTStates is the time between the
// last two characters of a reply.
func TestComputingAndCharTime(t *testing.T) {
	p := assemble(t, `
loop:   ld c,1          ; wait for a key
        call 5
        cp 'q'
        ret z
        ld b,200        ; work: 200 x 13 T-states
work:   djnz work
        ld e,'x'
        ld c,2
        call 5
        ld b,50         ; 50 x 13 - 5 T-states between the two characters,
gap:    djnz gap        ; plus the calls
        ld e,'y'
        ld c,2
        call 5
        jr loop
`)
	m, _ := New(Config{Files: fstest.MapFS{"R.COM": {Data: p}}, Autoexec: "R"})
	runToEnd(m)
	if m.Computing() || m.LastCharTStates() != 0 {
		t.Fatalf("waiting: computing %v, char time %d", m.Computing(), m.LastCharTStates())
	}
	m.Type("a")
	if !m.Computing() {
		t.Error("a key typed: the machine is computing")
	}
	m.RunFor(100)
	if !m.Computing() {
		t.Error("in the middle of the reply: not computing")
	}
	runToEnd(m)
	// From the BDOS 2 call of 'x' to that of 'y': the rest of the call
	// (10, the RET), ld b 7, djnz 49x13+8, ld e 7, ld c 7, call 17, JP 10.
	if want := uint64(10 + 7 + 49*13 + 8 + 7 + 7 + 17 + 10); m.Computing() || m.LastCharTStates() != want {
		t.Fatalf("after the reply: computing %v, char time %d, want %d", m.Computing(), m.LastCharTStates(), want)
	}
}

// TestRWhileWaiting: the T-states a machine is given while a program
// waits in a read turn R, as a BIOS spinning for a key would; a program
// that samples R when the key arrives sees how long it waited. RunCOM
// never waits: the same input gives the same R.
func TestRWhileWaiting(t *testing.T) {
	p := assemble(t, `
        ld c,1
        call 5
        ld a,r
        call hexa
        ret
`+hexaSource)
	sample := func(wait uint64) string {
		m, _ := New(Config{Files: fstest.MapFS{"R.COM": {Data: p}}, Autoexec: "R"})
		runToEnd(m)
		m.RunFor(wait)
		m.Type("k")
		runToEnd(m)
		s := screen(m)
		return s[len(s)-2]
	}
	a, b, c := sample(0), sample(1000), sample(1000)
	if a == b || b != c {
		t.Fatalf("R after waiting 0, 1000, 1000 T-states: %q %q %q", a, b, c)
	}
	// 1000 T-states of waiting are 100 increments.
	ra, err1 := strconv.ParseInt(strings.TrimPrefix(a, "k"), 16, 32)
	rb, err2 := strconv.ParseInt(strings.TrimPrefix(b, "k"), 16, 32)
	if err1 != nil || err2 != nil || (rb-ra)&0x7F != 100 {
		t.Fatalf("R went from %q to %q", a, b)
	}
	r1, _ := RunCOM(p, RunOptions{Input: "k"})
	r2, _ := RunCOM(p, RunOptions{Input: "k"})
	if string(r1.Output) != string(r2.Output) {
		t.Fatalf("RunCOM: %q then %q", r1.Output, r2.Output)
	}
}
