// Package host drives the emulated machine for a front end, without
// Ebiten (docs/DESIGN.md, "The front ends"): it paces the Z80 to the
// clock, queues what the player types (text and named keys, in order),
// keeps drive A: (files in and out, the difference the browser saves,
// reboots that keep the disk) and publishes what the screen and the status
// line show. The Ebiten game draws it; tests drive it directly.
package host

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"sync"
	"time"

	"z80ulm/emu"
	"z80ulm/game/keys"
	"z80ulm/game/pace"
)

const (
	// TPS is the front end's tick rate; each tick owes the machine MHz/TPS.
	TPS = 60
	// MHz is the speed of the machine being emulated.
	MHz = 4.0

	// tickBudget is the most of a tick spent running the Z80 (70 %; the
	// rest is for drawing and the browser): all of it in turbo, and the
	// limit that keeps a slow host from spiralling at 4 MHz.
	tickBudget = time.Second / TPS * 7 / 10
	// runChunk is how many T-states run between looks at the clock: small
	// enough to stop near the budget, large enough that reading the clock
	// costs nothing.
	runChunk = 20000
	// perTick is one tick's share of the clock: what a key typed after a
	// wait starts with.
	perTick = uint64(MHz*1e6) / TPS
	// catchUp is the longest gap between ticks that is made up in full:
	// a busy browser drops a few frames now and then, which should not
	// slow the machine; a tab hidden for minutes must not replay minutes.
	catchUp = 250 * time.Millisecond
	// turboMax bounds the tick that turbo stretches its budget to, so the
	// screen still updates at least every 1/20 s.
	turboMax = 50 * time.Millisecond
	// noticeFor is how long a notice stays on the status line.
	noticeFor = 5 * time.Second
)

// Config says what the machine boots.
type Config struct {
	// Files is the shipped drive A: (the embedded programs and models).
	Files fs.FS
	// HostDir maps a host directory as drive A: instead (the desktop's
	// -disk); Writable lets programs and drops change it.
	HostDir  string
	Writable bool
	// Saved is what the browser kept of drive A: at the last visit,
	// applied over Files.
	Saved *Saved
	// Run is the command line the CCP runs after the sign-on ("" = the
	// bare A> prompt).
	Run   string
	Turbo bool
	// Script lines are typed one at a time, each when the program next
	// waits for input (a CR is added to each). For tests and demos.
	Script []string
}

// input is one thing typed: text, or a named key.
type input struct {
	text  string
	key   emu.Key
	isKey bool
}

// Host is the machine as a front end drives it. Its methods are safe to
// call from any goroutine.
type Host struct {
	cfg   Config
	mu    sync.Mutex
	m     *emu.Machine
	clock *emu.Clock
	meter *pace.Meter
	start time.Time

	shipped []File // drive A: as shipped, for Diff
	seen    uint64 // m.DiskChanges() when last looked at
	dirty   bool   // drive A: changed since the last TakeSave

	turbo       bool
	lastTick    time.Time
	waiting     bool // the last RunFor returned Waiting
	queue       []input
	script      []string
	firstPrompt time.Time
	emuTime     time.Duration
	notice      string
	noticeUntil time.Time
}

// New boots the machine: sign-on, A> prompt, then cfg.Run.
func New(cfg Config) (*Host, error) {
	h := &Host{
		cfg:    cfg,
		clock:  emu.NewClock(MHz),
		meter:  pace.NewMeter(TPS),
		start:  time.Now(),
		turbo:  cfg.Turbo,
		script: append([]string(nil), cfg.Script...),
	}
	h.clock.CatchUp = catchUp
	m, err := h.boot(cfg.Run, nil, cfg.Saved)
	if err != nil {
		return nil, err
	}
	h.m = m
	h.seen = m.DiskChanges()
	return h, nil
}

// boot makes a machine that runs run: drive A: holds files (a reboot that
// keeps the disk), or the host directory, or the shipped files with saved
// applied over them.
func (h *Host) boot(run string, files []File, saved *Saved) (*emu.Machine, error) {
	cfg := emu.Config{Autoexec: run}
	switch {
	case h.cfg.HostDir != "":
		cfg.HostDir, cfg.Writable = h.cfg.HostDir, h.cfg.Writable
	case files == nil:
		cfg.Files = h.cfg.Files
	}
	m, err := emu.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("boot: %w", err)
	}
	if h.cfg.HostDir != "" {
		return m, nil
	}
	if files == nil {
		if h.shipped == nil {
			if h.shipped, err = list(m); err != nil {
				return nil, err
			}
		}
		if saved != nil {
			// What the browser kept goes back on the disk; a file that no
			// longer fits is reported, the rest still lands.
			var errs []string
			for _, n := range saved.Removed {
				m.RemoveFile(n)
			}
			for _, f := range saved.Files {
				if err := m.WriteFile(f.Name, f.Data); err != nil {
					errs = append(errs, err.Error())
				}
			}
			if len(errs) > 0 {
				h.notify("saved drive A: " + strings.Join(errs, "; "))
			}
		}
		return m, nil
	}
	for _, f := range files {
		if err := m.WriteFile(f.Name, f.Data); err != nil {
			return nil, fmt.Errorf("reboot: %w", err)
		}
	}
	return m, nil
}

// list reads every file of drive A:.
func list(m *emu.Machine) ([]File, error) {
	var out []File
	for _, fi := range m.Files() {
		b, err := m.ReadFile(fi.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, File{fi.Name, b})
	}
	return out, nil
}

// Type queues text as console input (a paste, the browser's type()):
// nothing is lost, however long. Characters outside ASCII are
// transliterated; those with no ASCII form are left out and named on the
// status line.
func (h *Host) Type(s string) {
	text, ignored := keys.Text(s)
	h.mu.Lock()
	defer h.mu.Unlock()
	if text != "" {
		h.queue = append(h.queue, input{text: text})
	}
	if len(ignored) > 0 {
		h.notifyIgnored(ignored[0])
	}
}

// Press queues one key press (FromBrowser's or the desktop's); front-end
// actions are the caller's.
func (h *Host) Press(in keys.Input) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case in.Text != "":
		h.queue = append(h.queue, input{text: in.Text})
	case in.HasKey:
		h.queue = append(h.queue, input{key: in.Key, isKey: true})
	case in.Ignored != 0:
		h.notifyIgnored(in.Ignored)
	}
}

func (h *Host) notifyIgnored(r rune) {
	h.notify(fmt.Sprintf("ignored U+%04X: no ASCII form", r))
}

// Notify shows msg on the status line for a few seconds.
func (h *Host) Notify(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.notify(msg)
}

func (h *Host) notify(msg string) {
	h.notice, h.noticeUntil = msg, time.Now().Add(noticeFor)
}

// Tick runs one tick at time now: first the time since the last tick,
// spent waiting if the program was waiting (the machine advances the Z80's
// R register as a real BIOS polling loop would: that is where programs
// find randomness), then what was typed, then this tick's share of the
// clock. It reports whether the program now waits for a key.
func (h *Host) Tick(now time.Time) (waiting bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiting && len(h.queue) == 0 && len(h.script) > 0 {
		h.queue = append(h.queue, input{text: h.script[0] + "\r"})
		h.script = h.script[1:]
	}
	owed := h.clock.Due(now)
	wasWaiting := h.waiting
	if h.waiting {
		h.waiting = h.m.RunFor(owed) == emu.Waiting
		owed = 0
	}
	if len(h.queue) > 0 {
		for _, in := range h.queue {
			if in.isKey {
				h.m.PressKey(in.key)
			} else {
				h.m.Type(in.text)
			}
		}
		h.queue = h.queue[:0]
		if h.waiting {
			// A key after a wait starts with one tick's worth.
			h.waiting, owed = false, perTick
		}
	}
	before := h.m.TStates()
	short := false
	if !h.waiting {
		t0 := time.Now()
		var st emu.Status
		st, short = h.run(now, owed)
		h.waiting = st == emu.Waiting
		h.emuTime += time.Since(t0)
	}
	// Time beyond the catch-up limit is dropped, not run: that tick too
	// ran short of the clock.
	if !h.lastTick.IsZero() && now.Sub(h.lastTick) > catchUp {
		short = true
	}
	// A tick counts for the rate only if the machine ran through it and
	// through the one before: the first tick after a wait follows an idle
	// gap that says nothing about pacing.
	h.meter.Tick(now, h.m.TStates()-before, !h.waiting && !wasWaiting, short && !h.turbo)
	h.lastTick = now
	if h.waiting && h.firstPrompt.IsZero() {
		h.firstPrompt = now
	}
	return h.waiting
}

// run executes this tick's T-states: what the clock owes, or in turbo as
// many as fit the budget. Either way it stops at the tick's time budget, so
// a host too slow for the clock drops time instead of spiralling into ever
// longer frames; short says it did.
func (h *Host) run(now time.Time, owed uint64) (st emu.Status, short bool) {
	deadline := now.Add(tickBudget)
	if h.turbo {
		owed = math.MaxUint64
		// When frames come slower than the display rate (a busy host),
		// turbo takes the same share of the longer tick, up to turboMax.
		if gap := now.Sub(h.lastTick); !h.lastTick.IsZero() && gap > time.Second/TPS {
			deadline = now.Add(min(gap, turboMax) * 7 / 10)
		}
	}
	for owed > 0 {
		n := min(owed, runChunk)
		if h.m.RunFor(n) == emu.Waiting {
			return emu.Waiting, false
		}
		owed -= n
		if time.Now().After(deadline) {
			return emu.Running, owed > 0
		}
	}
	return emu.Running, false
}

// ScriptDone reports whether the script has been typed and consumed and
// the program waits again (at once when there is no script).
func (h *Host) ScriptDone() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.waiting && len(h.script) == 0 && len(h.queue) == 0
}

// SetTurbo switches between 4 MHz and as fast as the host allows.
func (h *Host) SetTurbo(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if on != h.turbo {
		h.turbo = on
		h.clock.Reset() // do not owe the turbo period afterwards
	}
}

// Turbo reports whether turbo is on.
func (h *Host) Turbo() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.turbo
}

// Screen is what the terminal shows: its lines and the cursor.
func (h *Host) Screen() (lines []string, row, col int, visible bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.m.Terminal()
	row, col, visible = t.Cursor()
	return t.Lines(), row, col, visible
}

// TakeBell reports whether the program rang the bell since the last call.
func (h *Host) TakeBell() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m.Terminal().TakeBell()
}

// Program is the running program's name, "" at the CCP prompt.
func (h *Host) Program() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m.Program()
}

// Stats describes the machine and how it keeps time; the browser's
// stats(), the status line and the benchmarks read it.
type Stats struct {
	MHz float64 `json:"mhz"` // achieved rate over the last busy second
	// Slow says the host could not run all the clock owed in that second:
	// MHz is then what it could do.
	Slow      bool    `json:"slow"`
	TargetMHz float64 `json:"targetMHz"` // 4, or 0 in turbo (as fast as the frame allows)
	TStates   uint64  `json:"tstates"`   // T-states since power-on
	Program   string  `json:"program"`   // running program, "" at the CCP
	Waiting   bool    `json:"waiting"`   // the program waits for a key
	Computing bool    `json:"computing"` // a program runs and does not wait
	// LastCharT is the T-states the costliest character of the latest
	// reply took to compute (0 before any).
	LastCharT    uint64  `json:"lastCharT"`
	Turbo        bool    `json:"turbo"`
	Ticks        uint64  `json:"ticks"`        // ticks so far
	MissedFrames uint64  `json:"missedFrames"` // busy ticks later than two frame periods
	ShortTicks   uint64  `json:"shortTicks"`   // busy ticks that ran less than the clock owed
	UptimeMs     float64 `json:"uptimeMs"`     // since New
	// FirstPromptMs is when the program first waited for input, in
	// milliseconds after New (0 until then).
	FirstPromptMs float64 `json:"firstPromptMs"`
	PendingInput  int     `json:"pendingInput"` // keys typed but not yet handed to the machine
	EmuMs         float64 `json:"emuMs"`        // time spent running the Z80 since New
	Notice        string  `json:"notice"`       // the status line's notice, "" for none
}

// Stats returns the figures as of the last tick.
func (h *Host) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	s := Stats{
		MHz:          h.meter.MHz(),
		Slow:         h.meter.Slow(),
		TargetMHz:    MHz,
		TStates:      h.m.TStates(),
		Program:      h.m.Program(),
		Waiting:      h.waiting,
		Computing:    h.m.Computing(),
		LastCharT:    h.m.LastCharTStates(),
		Turbo:        h.turbo,
		Ticks:        h.meter.Ticks,
		MissedFrames: h.meter.Missed,
		ShortTicks:   h.meter.Short,
		UptimeMs:     ms(now.Sub(h.start)),
		PendingInput: len(h.queue),
		EmuMs:        ms(h.emuTime),
	}
	if h.turbo {
		s.TargetMHz = 0
	}
	if !h.firstPrompt.IsZero() {
		s.FirstPromptMs = ms(h.firstPrompt.Sub(h.start))
	}
	if now.Before(h.noticeUntil) {
		s.Notice = h.notice
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Files lists drive A:.
func (h *Host) Files() []emu.FileInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m.Files()
}

// ReadFile returns a copy of a file of drive A:.
func (h *Host) ReadFile(name string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m.ReadFile(name)
}

// PutFile puts a file on drive A: under name, which must be a CP/M name
// (8.3); one of the same name is replaced.
func (h *Host) PutFile(name string, data []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m.WriteFile(name, data)
}

// RemoveFile erases a file of drive A:.
func (h *Host) RemoveFile(name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m.RemoveFile(name)
}

// Drop puts a file from the host (dropped on the window or the page,
// picked with a button) on drive A: under its 8.3 name, says so on the
// status line, and returns that name.
func (h *Host) Drop(hostName string, data []byte) (string, error) {
	name, err := ShortName(hostName)
	if err == nil {
		err = h.PutFile(name, data)
	}
	if err != nil {
		h.Notify(err.Error())
		return "", err
	}
	msg := name + " is on A:"
	if prog, ok := strings.CutSuffix(name, ".COM"); ok {
		msg += ": type " + prog + " to run it"
	}
	h.Notify(msg)
	return name, nil
}

// Run types command at the A> prompt, ending the running program first if
// there is one: the machine reboots with drive A: as it is.
func (h *Host) Run(command string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m.Program() == "" && h.waiting && len(h.queue) == 0 {
		// Esc clears whatever is half typed at the prompt.
		h.queue = append(h.queue, input{key: emu.KeyEsc, isKey: true}, input{text: command + "\r"})
		return nil
	}
	files, err := h.disk()
	if err != nil {
		return err
	}
	return h.reboot(command, files, nil)
}

// disk is drive A: as it is now (nil for a host directory, which a reboot
// maps again).
func (h *Host) disk() ([]File, error) {
	if h.cfg.HostDir != "" {
		return nil, nil
	}
	files, err := list(h.m)
	if files == nil && err == nil {
		files = []File{} // an empty drive stays empty
	}
	return files, err
}

// ResetDisk puts the shipped drive A: back and reboots into the page's
// program.
func (h *Host) ResetDisk() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cfg.HostDir != "" {
		return errors.New("drive A: is a host directory; there is no shipped disk to go back to")
	}
	if err := h.reboot(h.cfg.Run, nil, nil); err != nil {
		return err
	}
	h.dirty = true
	return nil
}

func (h *Host) reboot(run string, files []File, saved *Saved) error {
	h.look()
	m, err := h.boot(run, files, saved)
	if err != nil {
		return err
	}
	h.m, h.waiting, h.queue = m, false, nil
	h.seen = m.DiskChanges()
	h.clock.Reset()
	return nil
}

// look notes whether drive A: changed since it was last looked at.
func (h *Host) look() {
	if c := h.m.DiskChanges(); c != h.seen {
		h.seen, h.dirty = c, true
	}
}

// TakeSave returns what the browser should keep of drive A: (its
// difference from the shipped disk) when it changed since the last call.
// A host directory keeps itself.
func (h *Host) TakeSave() (Saved, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cfg.HostDir != "" {
		return Saved{}, false
	}
	h.look()
	if !h.dirty {
		return Saved{}, false
	}
	now, err := list(h.m)
	if err != nil {
		return Saved{}, false
	}
	h.dirty = false
	return Diff(h.shipped, now), true
}

// Lines returns the 24 lines of the terminal.
func (h *Host) Lines() []string {
	lines, _, _, _ := h.Screen()
	return lines
}
