// Package game is the Ebiten front end of the emulated CP/M machine: it
// draws the machine's 80x24 terminal as a green screen at any window size,
// shows the status line, and turns keys and dropped files into the
// machine's input (docs/DESIGN.md, "The front ends"). The machine itself,
// its pacing and drive A: are package host's; the same game runs in a
// desktop window (main.go) and in a browser tab (wasm/).
package game

import (
	"io/fs"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"z80ulm/game/host"
	"z80ulm/game/keys"
	"z80ulm/game/screen"
)

// TPS is Ebiten's tick rate.
const TPS = host.TPS

// Config says what the machine boots and how the front end starts.
type Config struct {
	host.Config
	// CRT starts with the CRT shader on.
	CRT bool
	// ScriptDone is called once, from Update, when the whole script has
	// been consumed and the program waits again (immediately at the first
	// wait when Script is empty). Returning an error (ebiten.Termination)
	// ends the game.
	ScriptDone func(g *Game) error
	// Paste reads the system clipboard for Ctrl+V / Shift+Insert; nil
	// where the host delivers pastes itself (the browser calls Type).
	Paste func() (string, error)
	// HostKeys means the host delivers every key press itself through
	// Press (the browser, from its keydown and input events), and dropped
	// files through Drop, so the game reads neither from Ebiten.
	HostKeys bool
	// Hints are the keys this device has, for the status line; FocusHint
	// is what the status line says when typing would go nowhere.
	Hints     []string
	FocusHint string
}

// DesktopHints are the desktop window's keys.
var DesktopHints = []string{"F2 turbo", "F3 CRT", "F11 full screen"}

// Game implements ebiten.Game.
type Game struct {
	*host.Host
	cfg  Config
	view *view

	updateTime, drawTime time.Duration
	done                 bool
	ins                  []keys.Input
	runes                []rune

	// mu guards what the browser's callbacks change and the figures they
	// read.
	mu        sync.Mutex
	crt       bool
	focused   bool
	hints     []string
	focusHint string
	drawnW    float64 // the screen's drawn size, in window (CSS) pixels
	drawnH    float64
	// sleeping: Ebiten runs frames only on demand (the browser, while the
	// program waits); activeAt: when the machine last stopped to wait.
	sleeping bool
	activeAt time.Time
}

// New boots the machine: sign-on, A> prompt, then cfg.Run.
func New(cfg Config) (*Game, error) {
	h, err := host.New(cfg.Config)
	if err != nil {
		return nil, err
	}
	return &Game{
		Host:      h,
		cfg:       cfg,
		view:      newView(),
		crt:       cfg.CRT,
		focused:   true,
		hints:     cfg.Hints,
		focusHint: cfg.FocusHint,
	}, nil
}

// Press queues a key press, or carries out the front end's own keys.
func (g *Game) Press(in keys.Input) {
	switch in.Action {
	case keys.Turbo:
		g.SetTurbo(!g.Turbo())
	case keys.CRT:
		g.mu.Lock()
		g.crt = !g.crt
		g.mu.Unlock()
	default:
		g.Host.Press(in)
	}
	g.wakeUp()
}

// Type queues text as console input.
func (g *Game) Type(s string) {
	g.Host.Type(s)
	g.wakeUp()
}

// wakeUp makes a sleeping game run a frame at once.
func (g *Game) wakeUp() { ebiten.ScheduleFrame() }

// SetFocused says whether typing reaches the machine (the browser: its
// input element has the focus). Without it, the cursor dims and the status
// line says how to get it back.
func (g *Game) SetFocused(on bool) {
	g.mu.Lock()
	g.focused = on
	g.mu.Unlock()
	g.wakeUp()
}

// SetHints changes the status line's key hints (the browser, when it finds
// out the device is a touch screen).
func (g *Game) SetHints(hints []string, focusHint string) {
	g.mu.Lock()
	g.hints, g.focusHint = hints, focusHint
	g.mu.Unlock()
	g.wakeUp()
}

// CRT reports whether the CRT look is on.
func (g *Game) CRT() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.crt
}

// Stats is the machine's figures and the front end's own.
type Stats struct {
	host.Stats
	CRT      bool    `json:"crt"`
	Focused  bool    `json:"focused"`
	TPS      float64 `json:"tps"`      // Ebiten's measured ticks per second
	FPS      float64 `json:"fps"`      // Ebiten's measured frames per second
	UpdateMs float64 `json:"updateMs"` // time in Update (the Z80 included) since New
	DrawMs   float64 `json:"drawMs"`   // time in Draw since New
	// ScreenW x ScreenH is the size the 80x24 screen and its status line
	// are drawn at, in window (CSS) pixels.
	ScreenW float64 `json:"screenW"`
	ScreenH float64 `json:"screenH"`
}

// Stats returns the figures as of the last tick.
func (g *Game) Stats() Stats {
	s := Stats{Stats: g.Host.Stats(), TPS: ebiten.ActualTPS(), FPS: ebiten.ActualFPS()}
	g.mu.Lock()
	defer g.mu.Unlock()
	s.CRT, s.Focused = g.crt, g.focused
	s.UpdateMs, s.DrawMs = ms(g.updateTime), ms(g.drawTime)
	s.ScreenW, s.ScreenH = g.drawnW, g.drawnH
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Update runs one tick: input, then the Z80 for this tick's share of time.
func (g *Game) Update() error {
	now := time.Now()
	defer func() {
		g.mu.Lock()
		g.updateTime += time.Since(now)
		g.mu.Unlock()
	}()
	if !g.cfg.HostKeys {
		g.desktopInput()
	}
	waiting := g.Tick(now)
	if g.TakeBell() {
		g.view.bell(now)
	}
	g.idle(waiting)
	if g.ScriptDone() && !g.done {
		g.done = true
		if g.cfg.ScriptDone != nil {
			return g.cfg.ScriptDone(g)
		}
	}
	return nil
}

// desktopInput reads the window's keyboard, clipboard, focus and dropped
// files.
func (g *Game) desktopInput() {
	var paste bool
	g.ins, paste, g.runes = keyboard(g.ins[:0], g.runes)
	for _, in := range g.ins {
		g.Press(in)
	}
	if paste && g.cfg.Paste != nil {
		if s, err := g.cfg.Paste(); err == nil {
			g.Type(s)
		} else {
			g.Notify(err.Error())
		}
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF11) ||
		(ebiten.IsKeyPressed(ebiten.KeyAlt) && inpututil.IsKeyJustPressed(ebiten.KeyEnter)) {
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	}
	if f := ebiten.IsFocused(); f != g.isFocused() {
		g.SetFocused(f)
	}
	if dropped := ebiten.DroppedFiles(); dropped != nil {
		g.dropAll(dropped)
	}
}

// dropAll puts the files dropped on the window on drive A: (folders are
// left out: drive A: has none).
func (g *Game) dropAll(fsys fs.FS) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		g.Notify("drop: " + err.Error())
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			g.Notify("drop: " + err.Error())
			continue
		}
		g.Drop(e.Name(), data)
	}
}

func (g *Game) isFocused() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.focused
}

// idle lets a browser game sleep while the program waits for a key: frames
// then come only on input (the page's events call Press or Type, which
// wake it) or for the cursor's next blink, so a waiting machine costs next
// to no CPU. The desktop never sleeps: Ebiten's sleeping mode turns off
// GLFW's sticky keys, and a key pressed and released between two frames
// would then be lost; without drawing, an idle frame costs next to nothing.
func (g *Game) idle(on bool) {
	if !g.cfg.HostKeys {
		return
	}
	g.mu.Lock()
	if on == g.sleeping {
		g.mu.Unlock()
		return
	}
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

// Draw redraws only when something visible changed: the screen is not
// cleared between frames, so an idle machine costs almost nothing.
func (g *Game) Draw(dst *ebiten.Image) {
	now := time.Now()
	g.view.draw(dst, g, now)
	g.mu.Lock()
	g.drawTime += time.Since(now)
	g.mu.Unlock()
}

// Layout works in device pixels, so that the screen is scaled once, from
// its logical pixels straight to the display's.
func (g *Game) Layout(w, h int) (int, int) {
	s := deviceScale()
	return int(float64(w) * s), int(float64(h) * s)
}

func deviceScale() float64 {
	if mon := ebiten.Monitor(); mon != nil {
		return mon.DeviceScaleFactor()
	}
	return 1
}

// drawn records the size the screen is drawn at, in device pixels.
func (g *Game) drawn(w, h float64) {
	s := deviceScale()
	g.mu.Lock()
	g.drawnW, g.drawnH = w/s, h/s
	g.mu.Unlock()
}

// status is what the status line shows now.
func (g *Game) status(now time.Time) screen.Status {
	st := g.Host.Stats()
	g.mu.Lock()
	hints, notice := g.hints, st.Notice
	if !g.focused && notice == "" {
		// Typing goes nowhere: saying so matters more than the rest.
		notice = g.focusHint
	}
	g.mu.Unlock()
	return screen.Status{
		MHz:       st.MHz,
		Slow:      st.Slow,
		Target:    host.MHz,
		Turbo:     st.Turbo,
		Program:   st.Program,
		Computing: st.Computing,
		Spin:      int(now.UnixMilli() / int64(statusEvery/time.Millisecond)),
		CharT:     st.LastCharT,
		Hints:     hints,
		Notice:    notice,
	}
}
