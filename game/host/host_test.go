package host

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"z80ulm/assets"
	"z80ulm/emu"
	"z80ulm/game/keys"
	"z80ulm/internal/testkit"
)

// hello is a CP/M program: print "HI FROM HELLO" with BDOS 9, return.
var hello = append([]byte{0x0E, 0x09, 0x11, 0x09, 0x01, 0xCD, 0x05, 0x00, 0xC9}, "HI FROM HELLO\r\n$"...)

// turbo boots a host that runs as fast as it can, so tests take no time.
func turbo(t *testing.T, cfg Config) *Host {
	t.Helper()
	if cfg.Files == nil && cfg.HostDir == "" {
		cfg.Files = assets.Programs
	}
	cfg.Turbo = true
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// settle ticks until the program waits with nothing left to type.
func settle(t *testing.T, h *Host) []string {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		if h.Tick(time.Now()) && h.Stats().PendingInput == 0 {
			return h.Lines()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the machine does not wait after 60 s:\n%s", strings.Join(h.Lines(), "\n"))
		}
	}
}

func screenHas(lines []string, s string) bool { return strings.Contains(strings.Join(lines, "\n"), s) }

func TestGuessSeed(t *testing.T) {
	h := turbo(t, Config{Run: testkit.GuessElephant})
	settle(t, h)
	if st := h.Stats(); st.Program != "GUESS" || !st.Waiting || st.FirstPromptMs <= 0 {
		t.Fatalf("stats after boot: %+v", st)
	}
	for _, qa := range testkit.GuessSeed {
		h.Type(qa.Q + "\n")
		if got, _ := testkit.AnswerTo(settle(t, h), qa.Q); got != qa.A {
			t.Errorf("%q: %q, want %q", qa.Q, got, qa.A)
		}
	}
}

// Typed text and named keys reach the machine in the order they were
// typed; characters outside ASCII are folded or named on the status line.
func TestInputOrder(t *testing.T) {
	h := turbo(t, Config{})
	settle(t, h)
	h.Type("xdi")
	h.Press(keys.Input{Key: emu.KeyHome, HasKey: true})
	h.Press(keys.Input{Key: emu.KeyDelete, HasKey: true})
	h.Press(keys.Input{Key: emu.KeyEnd, HasKey: true})
	h.Type("r\n")
	if lines := settle(t, h); !screenHas(lines, "A>dir") || !screenHas(lines, "GUESS") {
		t.Errorf("xdi Home Delete End r Enter is not DIR:\n%s", strings.Join(lines, "\n"))
	}
	h.Type("\u00e9\u263a")
	if st := h.Stats(); !strings.Contains(st.Notice, "U+263A") || st.PendingInput != 1 {
		t.Errorf("after \u00e9\u263a: notice %q, %d pending", st.Notice, st.PendingInput)
	}
	h.Press(keys.Input{Ignored: '\u20ac'})
	if st := h.Stats(); !strings.Contains(st.Notice, "U+20AC") || st.PendingInput != 1 {
		t.Errorf("after \u20ac: notice %q, %d pending", st.Notice, st.PendingInput)
	}
}

// Files come and go through the host; drive A: is saved as its
// difference from the shipped disk, and that difference boots again.
func TestDrive(t *testing.T) {
	h := turbo(t, Config{})
	settle(t, h)
	if _, ok := h.TakeSave(); ok {
		t.Errorf("a fresh drive asks to be saved")
	}
	if err := h.PutFile("hello world.com", hello); !errors.Is(err, emu.ErrBadName) {
		t.Errorf("PutFile with a bad name: %v", err)
	}
	name, err := h.Drop("/home/me/Hello World.com", hello)
	if err != nil || name != "HELLOWOR.COM" {
		t.Fatalf("Drop: %q, %v", name, err)
	}
	if n := h.Stats().Notice; !strings.Contains(n, "HELLOWOR.COM is on A:") || !strings.Contains(n, "type HELLOWOR") {
		t.Errorf("notice after the drop: %q", n)
	}
	if err := h.RemoveFile("CHAT.COM"); err != nil {
		t.Fatal(err)
	}
	h.Type("hellowor\n")
	if lines := settle(t, h); !screenHas(lines, "HI FROM HELLO") {
		t.Errorf("the dropped program did not run:\n%s", strings.Join(lines, "\n"))
	}
	saved, ok := h.TakeSave()
	if !ok || len(saved.Files) != 1 || saved.Files[0].Name != "HELLOWOR.COM" || len(saved.Removed) != 1 || saved.Removed[0] != "CHAT.COM" {
		t.Fatalf("TakeSave = %+v, %v", saved, ok)
	}
	if _, ok := h.TakeSave(); ok {
		t.Errorf("TakeSave again without a change")
	}

	// The next visit: the shipped disk with the difference applied.
	h2 := turbo(t, Config{Saved: &saved})
	names := ""
	for _, f := range h2.Files() {
		names += f.Name + " "
	}
	if !strings.Contains(names, "HELLOWOR.COM") || strings.Contains(names, "CHAT.COM") || !strings.Contains(names, "GUESS.COM") {
		t.Errorf("booted with the saved difference: %s", names)
	}

	// Reset: the shipped disk, and an empty difference to save.
	if err := h2.ResetDisk(); err != nil {
		t.Fatal(err)
	}
	if s, ok := h2.TakeSave(); !ok || len(s.Files)+len(s.Removed) != 0 {
		t.Errorf("after ResetDisk TakeSave = %+v, %v", s, ok)
	}
	if _, err := h2.ReadFile("HELLOWOR.COM"); err == nil {
		t.Errorf("HELLOWOR.COM is still there after ResetDisk")
	}
}

// Run types at the A> prompt, or ends the running program first by
// rebooting with drive A: as it is.
func TestRun(t *testing.T) {
	h := turbo(t, Config{Run: "GUESS"})
	settle(t, h)
	if err := h.PutFile("HELLO.COM", hello); err != nil {
		t.Fatal(err)
	}
	if err := h.Run("HELLO"); err != nil {
		t.Fatal(err)
	}
	lines := settle(t, h)
	if !screenHas(lines, "HI FROM HELLO") || h.Stats().Program != "" {
		t.Fatalf("Run(HELLO) from GUESS:\n%s", strings.Join(lines, "\n"))
	}
	h.Type("DI") // half typed
	h.Tick(time.Now())
	if err := h.Run("HELLO"); err != nil {
		t.Fatal(err)
	}
	if lines := settle(t, h); strings.Count(strings.Join(lines, "\n"), "HI FROM HELLO") != 2 {
		t.Errorf("Run(HELLO) at the prompt:\n%s", strings.Join(lines, "\n"))
	}
}

// A host directory is drive A: (the desktop's -disk): programs there run,
// drops land there when it is writable, and it is never "saved".
func TestHostDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/HELLO.COM", hello, 0o644); err != nil {
		t.Fatal(err)
	}
	h := turbo(t, Config{HostDir: dir, Writable: true, Run: "HELLO"})
	if lines := settle(t, h); !screenHas(lines, "HI FROM HELLO") {
		t.Fatalf("HELLO from the host directory:\n%s", strings.Join(lines, "\n"))
	}
	if _, err := h.Drop("notes.txt", []byte("hi\r\n")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dir + "/NOTES.TXT"); err != nil || string(b) != "hi\r\n" {
		t.Errorf("the dropped file on the host: %q, %v", b, err)
	}
	if _, ok := h.TakeSave(); ok {
		t.Errorf("a host directory asks to be saved")
	}
	if err := h.ResetDisk(); err == nil {
		t.Errorf("ResetDisk of a host directory: no error")
	}
	ro := turbo(t, Config{HostDir: dir})
	if _, err := ro.Drop("more.txt", []byte("x")); err == nil {
		t.Errorf("a drop on a read-only host directory: no error")
	}
}

// A script is typed a line at a time, each when the program waits.
func TestScript(t *testing.T) {
	h := turbo(t, Config{Run: testkit.GuessElephant, Script: []string{"is it alive", "is it big"}})
	for deadline := time.Now().Add(60 * time.Second); !h.ScriptDone(); {
		h.Tick(time.Now())
		if time.Now().After(deadline) {
			t.Fatal("script not done")
		}
	}
	lines := h.Lines()
	for _, q := range []string{"is it alive", "is it big"} {
		if got, _ := testkit.AnswerTo(lines, q); got != "YES" {
			t.Errorf("%q: %q", q, got)
		}
	}
}

// The cost of a character: the T-states the machine spent on the
// costliest character of the latest reply, kept while the program waits
// for the next line.
func TestCharCost(t *testing.T) {
	h := turbo(t, Config{Run: "GUESS"})
	settle(t, h)
	// The banner costs only its printing.
	if c := h.Stats().LastCharT; c > 10_000 {
		t.Errorf("a banner character cost %d T-states", c)
	}
	h.Type("is it alive\n")
	settle(t, h)
	// GUESS's engine spends a few hundred thousand T-states a character.
	if c := h.Stats().LastCharT; c < 50_000 || c > 2_000_000 {
		t.Errorf("the last character cost %d T-states", c)
	}
}
