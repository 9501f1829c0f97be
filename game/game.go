// Package game is the Ebiten front end of the emulated CP/M machine: it
// draws the machine's 80x24 terminal as a green screen, paces the Z80 to
// 4 MHz of real time, and turns keys into console input. The same package
// runs in a desktop window (main.go) and in a browser tab (wasm/).
package game

import (
	"fmt"
	"io/fs"
	"math"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"z80ulm/emu"
	"z80ulm/game/keys"
	"z80ulm/game/pace"
	"z80ulm/game/screen"
)

const (
	// TPS is Ebiten's tick rate; each tick owes the machine MHz/TPS.
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
	// catchUp is the longest gap between ticks that is made up in full:
	// a busy browser drops a few frames now and then, which should not
	// slow the machine; a tab hidden for minutes must not replay minutes.
	catchUp = 250 * time.Millisecond
	// turboMax bounds the tick that turbo stretches its budget to, so the
	// screen still updates at least every 1/20 s.
	turboMax = 50 * time.Millisecond
)

// Config says what the machine boots and how the front end starts.
type Config struct {
	// Files is drive A: (the embedded .COM programs).
	Files fs.FS
	// Run is the program the CCP runs after the sign-on ("" = the bare
	// A> prompt).
	Run string
	// Turbo starts in turbo mode; CRT starts with the CRT shader on.
	Turbo, CRT bool
	// Script lines are typed one at a time, each when the program next
	// waits for input (a CR is added to each). For tests and demos.
	Script []string
	// ScriptDone is called once, from Update, when the whole script has
	// been consumed and the program waits again (immediately at the first
	// wait when Script is empty). Returning an error (ebiten.Termination)
	// ends the game.
	ScriptDone func(g *Game) error
	// Paste reads the system clipboard for Ctrl+V / Shift+Insert; nil
	// where the host delivers pastes itself (the browser calls Type).
	Paste func() (string, error)
	// HostKeys means the host delivers every key press itself through
	// TypeKeys (the browser, from its keydown events), so the game reads
	// only its own hot keys from Ebiten. Polling key state once per tick
	// loses a press and release that fall between two ticks; events do not.
	HostKeys bool
}

// Game implements ebiten.Game.
type Game struct {
	cfg   Config
	m     *emu.Machine
	clock *emu.Clock
	meter *pace.Meter
	start time.Time

	turbo    bool
	lastTick time.Time

	// time spent, for Stats
	emuTime, updateTime, drawTime time.Duration
	crt                           bool
	waiting                       bool // the last RunFor returned Waiting: run nothing until input
	// sleeping: Ebiten runs frames only on demand; activeAt: when the
	// machine last stopped to wait. Written by Update under mu, read by
	// the wake timer.
	sleeping bool
	activeAt time.Time
	script   []string
	done     bool

	keys  []byte
	runes []rune

	// mu guards what other goroutines (browser callbacks) touch: pending
	// input and the published snapshot.
	mu      sync.Mutex
	pending string
	snap    snapshot

	view *view
}

// snapshot is what ScreenText and Stats publish, refreshed every tick.
type snapshot struct {
	lines       []string
	stats       Stats
	firstPrompt time.Time
}

// Stats describes how the machine keeps time; the browser's stats() and the
// benchmarks read it.
type Stats struct {
	MHz          float64 `json:"mhz"`          // achieved rate over the last busy second
	TargetMHz    float64 `json:"targetMHz"`    // 4, or 0 in turbo (as fast as the frame allows)
	TStates      uint64  `json:"tstates"`      // T-states since power-on
	Program      string  `json:"program"`      // running program, "" at the CCP
	Waiting      bool    `json:"waiting"`      // the program waits for a key
	Turbo        bool    `json:"turbo"`        //
	CRT          bool    `json:"crt"`          //
	Ticks        uint64  `json:"ticks"`        // Update calls so far
	MissedFrames uint64  `json:"missedFrames"` // busy ticks later than two frame periods
	TPS          float64 `json:"tps"`          // Ebiten's measured ticks per second
	FPS          float64 `json:"fps"`          // Ebiten's measured frames per second
	UptimeMs     float64 `json:"uptimeMs"`     // since New
	// FirstPromptMs is when the program first waited for input, in
	// milliseconds after New (0 until then).
	FirstPromptMs float64 `json:"firstPromptMs"`
	PendingInput  int     `json:"pendingInput"` // bytes typed but not yet handed to the machine
	// Where the front end's own time goes, in total since New: running the
	// Z80, the rest of Update, and Draw.
	EmuMs    float64 `json:"emuMs"`
	UpdateMs float64 `json:"updateMs"`
	DrawMs   float64 `json:"drawMs"`
}

// New boots the machine: sign-on, A> prompt, then cfg.Run.
func New(cfg Config) (*Game, error) {
	m, err := emu.New(emu.Config{Files: cfg.Files, Autoexec: cfg.Run})
	if err != nil {
		return nil, fmt.Errorf("game: boot: %w", err)
	}
	g := &Game{
		cfg:    cfg,
		m:      m,
		clock:  newClock(),
		meter:  pace.NewMeter(TPS),
		start:  time.Now(),
		turbo:  cfg.Turbo,
		crt:    cfg.CRT,
		script: append([]string(nil), cfg.Script...),
		view:   newView(),
	}
	g.publish(time.Now())
	return g, nil
}

// Type queues text as console input (a paste, the browser's type()).
// Safe to call from any goroutine; nothing is lost, however long.
func (g *Game) Type(s string) {
	s = keys.Text(s)
	if s == "" {
		return
	}
	g.mu.Lock()
	g.pending += s
	g.mu.Unlock()
	ebiten.ScheduleFrame() // wake a sleeping game
}

// TypeKeys queues key presses exactly as given (control keys included).
// Safe to call from any goroutine.
func (g *Game) TypeKeys(k string) {
	g.mu.Lock()
	g.pending += k
	g.mu.Unlock()
	ebiten.ScheduleFrame() // wake a sleeping game
}

// ScreenText returns the 24 lines of the terminal as of the last tick.
func (g *Game) ScreenText() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.snap.lines...)
}

// Stats returns the timing figures as of the last tick.
func (g *Game) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.snap.stats
}

// Update runs one tick: input, then the Z80 for this tick's share of time.
func (g *Game) Update() error {
	now := time.Now()
	defer func() { g.updateTime += time.Since(now) }()
	g.hotkeys()

	if !g.cfg.HostKeys {
		var paste bool
		g.keys, paste, g.runes = keyboard(g.keys[:0], g.runes)
		if paste && g.cfg.Paste != nil {
			if s, err := g.cfg.Paste(); err == nil {
				g.Type(s)
			}
		}
		if len(g.keys) > 0 {
			g.TypeKeys(string(g.keys))
		}
	}
	if g.waiting && len(g.script) > 0 {
		g.mu.Lock()
		empty := g.pending == ""
		g.mu.Unlock()
		if empty {
			g.Type(g.script[0] + "\r")
			g.script = g.script[1:]
		}
	}
	g.mu.Lock()
	in := g.pending
	g.pending = ""
	g.mu.Unlock()
	wasWaiting := g.waiting
	if in != "" {
		g.m.Type(in)
		g.waiting = false
	}

	// Always ask the clock, so that time spent waiting is not owed later;
	// a key after a long idle spell starts with one tick's worth.
	owed := g.clock.Due(now)
	if wasWaiting {
		owed = min(owed, uint64(MHz*1e6)/TPS)
	}
	before := g.m.TStates()
	busy := false
	if !g.waiting {
		t0 := time.Now()
		st := g.run(now, owed)
		g.emuTime += time.Since(t0)
		g.waiting = st == emu.Waiting
		// A tick counts for the rate only if the machine ran through it
		// and through the one before: the first tick after a wait follows
		// an idle gap that says nothing about pacing.
		busy = !g.waiting && !wasWaiting
	}
	g.meter.Tick(now, g.m.TStates()-before, busy)
	g.lastTick = now
	if g.m.Terminal().TakeBell() {
		g.view.bell(now)
	}
	g.publish(now)
	g.idle(g.waiting && in == "")

	if g.waiting && len(g.script) == 0 && !g.done {
		g.mu.Lock()
		empty := g.pending == ""
		g.mu.Unlock()
		if empty {
			g.done = true
			if g.cfg.ScriptDone != nil {
				return g.cfg.ScriptDone(g)
			}
		}
	}
	return nil
}

// run executes this tick's T-states: what the clock owes, or in turbo as
// many as fit the budget. Either way it stops at the tick's time budget, so
// a host too slow for the clock drops time instead of spiralling into ever
// longer frames.
func (g *Game) run(now time.Time, owed uint64) emu.Status {
	deadline := now.Add(tickBudget)
	if g.turbo {
		owed = math.MaxUint64
		// When frames come slower than the display rate (a busy host),
		// turbo takes the same share of the longer tick, up to turboMax.
		if gap := now.Sub(g.lastTick); !g.lastTick.IsZero() && gap > time.Second/TPS {
			deadline = now.Add(min(gap, turboMax) * 7 / 10)
		}
	}
	for owed > 0 {
		n := min(owed, runChunk)
		st := g.m.RunFor(n)
		if st == emu.Waiting {
			return st
		}
		owed -= n
		if time.Now().After(deadline) {
			break
		}
	}
	return emu.Running
}

// idle lets Ebiten sleep while the program waits for a key: frames then
// come only on input, on TypeKeys, or for the cursor's next blink, so a
// waiting machine costs next to no CPU. Any other time the game ticks at
// the display's rate.
func (g *Game) idle(on bool) {
	if on == g.sleeping {
		return
	}
	g.mu.Lock()
	g.sleeping = on
	g.activeAt = time.Now()
	g.mu.Unlock()
	if on {
		ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
		g.wake()
	} else {
		ebiten.SetFPSMode(ebiten.FPSModeVsyncOn)
	}
}

// wake keeps frames coming while asleep, twice per cursor blink so the
// blink stays on time, until the cursor has stopped blinking (blinkFor
// after the last activity); input wakes Ebiten by itself.
func (g *Game) wake() {
	time.AfterFunc(blinkPeriod/2, func() {
		g.mu.Lock()
		on := g.sleeping && time.Since(g.activeAt) < blinkFor+2*blinkPeriod
		g.mu.Unlock()
		if on {
			ebiten.ScheduleFrame()
			g.wake()
		}
	})
}

// hotkeys handles the keys that belong to the front end, not the machine.
func (g *Game) hotkeys() {
	if inpututil.IsKeyJustPressed(ebiten.KeyF2) {
		g.turbo = !g.turbo
		g.clock.Reset() // do not owe the turbo period afterwards
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF3) {
		g.crt = !g.crt
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF11) ||
		(ebiten.IsKeyPressed(ebiten.KeyAlt) && inpututil.IsKeyJustPressed(ebiten.KeyEnter)) {
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	}
}

// publish refreshes the snapshot read by ScreenText and Stats.
func (g *Game) publish(now time.Time) {
	t := g.m.Terminal()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.snap.lines = t.Lines()
	if g.waiting && g.snap.firstPrompt.IsZero() {
		g.snap.firstPrompt = now
	}
	s := Stats{
		MHz:          g.meter.MHz(),
		TargetMHz:    MHz,
		TStates:      g.m.TStates(),
		Program:      g.m.Program(),
		Waiting:      g.waiting,
		Turbo:        g.turbo,
		CRT:          g.crt,
		Ticks:        g.meter.Ticks,
		MissedFrames: g.meter.Missed,
		TPS:          ebiten.ActualTPS(),
		FPS:          ebiten.ActualFPS(),
		UptimeMs:     ms(now.Sub(g.start)),
		PendingInput: len(g.pending),
		EmuMs:        ms(g.emuTime),
		UpdateMs:     ms(g.updateTime),
		DrawMs:       ms(g.drawTime),
	}
	if g.turbo {
		s.TargetMHz = 0
	}
	if !g.snap.firstPrompt.IsZero() {
		s.FirstPromptMs = ms(g.snap.firstPrompt.Sub(g.start))
	}
	g.snap.stats = s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Draw redraws only when something visible changed: the screen is not
// cleared between frames, so an idle machine costs almost nothing.
func (g *Game) Draw(screen *ebiten.Image) {
	now := time.Now()
	g.view.draw(screen, g, now)
	g.drawTime += time.Since(now)
}

// Layout works in device pixels so that the terminal scales by whole
// numbers and stays crisp.
func (g *Game) Layout(w, h int) (int, int) {
	s := 1.0
	if mon := ebiten.Monitor(); mon != nil {
		s = mon.DeviceScaleFactor()
	}
	return int(float64(w) * s), int(float64(h) * s)
}

// status is what the status line shows now.
func (g *Game) status() screen.Status {
	st := g.Stats()
	return screen.Status{MHz: st.MHz, Target: MHz, Turbo: st.Turbo, Program: st.Program, Waiting: st.Waiting}
}

// newClock paces the machine at MHz, making up gaps of up to catchUp.
func newClock() *emu.Clock {
	c := emu.NewClock(MHz)
	c.CatchUp = catchUp
	return c
}
