//go:build js && wasm

// Command wasm is the browser entry point: the same game as the desktop
// window, in a canvas, driven by the page (index.html, page.js) through
// window.z80ulm (docs/DESIGN.md, "The front ends"):
//
//	screenText()          the 24 terminal lines (an array of strings)
//	type(text)            queue console input ("\n" is Enter)
//	key(key, ctrl, alt, meta)  one keydown (the browser's key names);
//	                      true when the machine or the front end took it
//	stats()               timing: achieved MHz, T-states, program, the cost
//	                      of the last character, the drawn screen size...
//	putFile(name, bytes)  put a file on drive A: under its 8.3 name
//	drop(name, bytes)     the same for any host name (shortened to 8.3);
//	                      returns the name it got
//	files()               drive A: as [{name, size}]
//	readFile(name)        a file of drive A: as a Uint8Array
//	removeFile(name)      erase a file of drive A:
//	resetDisk()           the shipped drive A: again (and a reboot)
//	run(command)          type command at the A> prompt, ending the
//	                      running program first if needed
//	setFocus(on)          whether typing reaches the machine
//	setTouch(on)          the device is a touch screen (status line hints)
//	shareURL()            a link that opens this program at this clock
//
// The functions that can fail return an Error object, which page.js
// throws. Before Go starts, the page leaves in window.z80ulmSaved what the
// browser kept of drive A: (IndexedDB); Go hands changes back to
// window.z80ulmSaveDisk. The query picks the program (?run=CHAT, ?run= for
// the bare prompt, ?com=URL for a .COM from this site), ?turbo=1 and
// ?crt=1 the modes; what the query does not say comes from the last visit.
package main

import (
	"errors"
	"strings"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"z80ulm/assets"
	"z80ulm/game"
	"z80ulm/game/host"
	"z80ulm/game/keys"
)

// remember is the localStorage key of the last visit's settings.
const remember = "z80ulm.settings"

var (
	global = js.Global()
	uint8s = global.Get("Uint8Array")
)

// Hints for the status line: what a person can press on this device.
var (
	keyboardHints = []string{"F2 turbo", "F3 CRT"}
	touchHints    = []string{"Enter sends the line"}
)

func main() {
	started := global.Get("performance").Call("now").Float() // ms since the page began loading
	store := global.Get("localStorage")
	mem := ""
	if v := store.Call("getItem", remember); v.Type() == js.TypeString {
		mem = v.String()
	}
	set, err := host.ParseSettings(global.Get("location").Get("search").String(), mem)
	if err != nil {
		fail(err)
		set, _ = host.ParseSettings("", mem)
	}
	touch := global.Get("z80ulmTouch").Truthy()
	cfg := game.Config{
		Config: host.Config{
			Files: assets.Programs,
			Run:   set.Run,
			Turbo: set.Turbo,
			Saved: savedDisk(global.Get("z80ulmSaved")),
		},
		CRT:      set.CRT,
		HostKeys: true,
	}
	cfg.Hints, cfg.FocusHint = hints(touch)
	g, err = game.New(cfg)
	if err != nil {
		fail(err)
		return
	}
	if set.Com != "" {
		// The command line runs at the first tick, after the file has
		// landed; a program that did not come says why on the status line
		// (the CCP then says NAME?).
		name, data, err := fetchCOM(set.Com)
		if err == nil {
			err = g.PutFile(name, data)
		}
		if err != nil {
			g.Notify(err.Error())
			global.Get("console").Call("warn", "z80ulm: "+err.Error())
		}
	}
	global.Set("z80ulm", api(set, started))
	go keep(set, store)
	if f := global.Get("z80ulmStarted"); f.Type() == js.TypeFunction {
		f.Invoke()
	}
	ebiten.SetTPS(game.TPS)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetRunnableOnUnfocused(true)
	if err := ebiten.RunGame(watched{g}); err != nil {
		fail(err)
	}
}

// watched tells the page when the running program changes (the header
// explains each program), from the tick: a program starts or ends only
// while the machine runs, and a sleeping page costs nothing.
type watched struct{ *game.Game }

func (w watched) Update() error {
	err := w.Game.Update()
	if p := w.Program(); p != shownProgram {
		shownProgram = p
		if p != "" {
			lastProgram = p
		}
		if f := global.Get("z80ulmProgram"); f.Type() == js.TypeFunction {
			f.Invoke(p)
		}
	}
	return err
}

// shownProgram is the program the page was last told about.
var shownProgram = "?"

var g *game.Game

func hints(touch bool) ([]string, string) {
	if touch {
		return touchHints, "tap the screen to type"
	}
	return keyboardHints, "click the screen to type"
}

// api is window.z80ulm.
func api(set host.Settings, started float64) js.Value {
	a := global.Get("Object").New()
	fn := func(name string, f func(args []js.Value) any) {
		a.Set(name, js.FuncOf(func(_ js.Value, args []js.Value) any { return f(args) }))
	}
	arg := func(args []js.Value, i int) js.Value {
		if i < len(args) {
			return args[i]
		}
		return js.Undefined()
	}
	str := func(args []js.Value, i int) string {
		if v := arg(args, i); v.Type() == js.TypeString {
			return v.String()
		}
		return ""
	}
	fn("screenText", func([]js.Value) any {
		lines := g.Lines()
		out := make([]any, len(lines))
		for i, l := range lines {
			out[i] = l
		}
		return out
	})
	fn("type", func(args []js.Value) any { g.Type(str(args, 0)); return nil })
	fn("key", func(args []js.Value) any {
		in := keys.FromBrowser(str(args, 0), arg(args, 1).Truthy(), arg(args, 2).Truthy(), arg(args, 3).Truthy())
		if in.None() {
			return false
		}
		g.Press(in)
		return true
	})
	fn("stats", func([]js.Value) any {
		st := g.Stats()
		v := stats(st)
		// Page-relative times: what a visitor waits for.
		v.Set("goStartMs", started)
		if st.FirstPromptMs > 0 {
			v.Set("pageToPromptMs", started+st.FirstPromptMs)
		}
		return v
	})
	fn("putFile", func(args []js.Value) any {
		return errValue(g.PutFile(str(args, 0), bytesOf(arg(args, 1))))
	})
	fn("drop", func(args []js.Value) any {
		name, err := g.Drop(str(args, 0), bytesOf(arg(args, 1)))
		if err != nil {
			return errValue(err)
		}
		return name
	})
	fn("files", func([]js.Value) any {
		var out []any
		for _, f := range g.Files() {
			out = append(out, map[string]any{"name": f.Name, "size": f.Size})
		}
		return out
	})
	fn("readFile", func(args []js.Value) any {
		b, err := g.ReadFile(str(args, 0))
		if err != nil {
			return errValue(err)
		}
		return toJS(b)
	})
	fn("removeFile", func(args []js.Value) any { return errValue(g.RemoveFile(str(args, 0))) })
	fn("resetDisk", func([]js.Value) any { return errValue(g.ResetDisk()) })
	fn("run", func(args []js.Value) any { return errValue(g.Run(str(args, 0))) })
	fn("setFocus", func(args []js.Value) any { g.SetFocused(arg(args, 0).Truthy()); return nil })
	fn("setTouch", func(args []js.Value) any { g.SetHints(hints(arg(args, 0).Truthy())); return nil })
	fn("shareURL", func([]js.Value) any {
		loc := global.Get("location")
		return loc.Get("origin").String() + loc.Get("pathname").String() + "?" + current(set).Query()
	})
	return a
}

// stats is g.Stats() as a JavaScript object.
func stats(s game.Stats) js.Value {
	return js.ValueOf(map[string]any{
		"mhz": s.MHz, "slow": s.Slow, "targetMHz": s.TargetMHz, "tstates": float64(s.TStates),
		"program": s.Program, "waiting": s.Waiting, "computing": s.Computing,
		"lastCharT": float64(s.LastCharT), "turbo": s.Turbo, "crt": s.CRT, "focused": s.Focused,
		"ticks": float64(s.Ticks), "missedFrames": float64(s.MissedFrames), "shortTicks": float64(s.ShortTicks),
		"tps": s.TPS, "fps": s.FPS, "uptimeMs": s.UptimeMs, "firstPromptMs": s.FirstPromptMs,
		"pendingInput": s.PendingInput, "emuMs": s.EmuMs, "updateMs": s.UpdateMs, "drawMs": s.DrawMs,
		"notice": s.Notice, "screenW": s.ScreenW, "screenH": s.ScreenH,
	})
}

// current is what a share link or the next visit should open: the program
// last run (the page's own when none has run yet), the clock, the look.
var lastProgram string

func current(set host.Settings) host.Settings {
	if lastProgram != "" {
		first, _, _ := strings.Cut(set.Run, " ")
		if !strings.EqualFold(first, lastProgram) {
			set.Run = lastProgram
		}
	}
	set.Turbo, set.CRT = g.Turbo(), g.CRT()
	return set
}

// keep saves, every half second, what changed: drive A: to IndexedDB
// (through the page) and the settings to localStorage.
func keep(set host.Settings, store js.Value) {
	saveDisk := global.Get("z80ulmSaveDisk")
	remembered := ""
	for range time.Tick(500 * time.Millisecond) {
		if q := current(set).Query(); q != remembered {
			store.Call("setItem", remember, q)
			remembered = q
		}
		if s, ok := g.TakeSave(); ok && saveDisk.Type() == js.TypeFunction {
			saveDisk.Invoke(savedValue(s))
		}
	}
}

// savedDisk reads window.z80ulmSaved ({files: [{name, data}], removed:
// [names]}, or nothing).
func savedDisk(v js.Value) *host.Saved {
	if !v.Truthy() {
		return nil
	}
	s := &host.Saved{}
	if fs := v.Get("files"); fs.Truthy() {
		for i := 0; i < fs.Length(); i++ {
			f := fs.Index(i)
			s.Files = append(s.Files, host.File{Name: f.Get("name").String(), Data: bytesOf(f.Get("data"))})
		}
	}
	if rm := v.Get("removed"); rm.Truthy() {
		for i := 0; i < rm.Length(); i++ {
			s.Removed = append(s.Removed, rm.Index(i).String())
		}
	}
	return s
}

func savedValue(s host.Saved) js.Value {
	files := make([]any, len(s.Files))
	for i, f := range s.Files {
		files[i] = map[string]any{"name": f.Name, "data": toJS(f.Data)}
	}
	removed := make([]any, len(s.Removed))
	for i, n := range s.Removed {
		removed[i] = n
	}
	return js.ValueOf(map[string]any{"files": files, "removed": removed})
}

// fetchCOM fetches a ?com= program from the page's own site.
func fetchCOM(url string) (name string, data []byte, err error) {
	if name, err = host.ComName(url); err != nil {
		return "", nil, err
	}
	type result struct {
		v   js.Value
		err error
	}
	await := func(p js.Value) (js.Value, error) {
		ch := make(chan result, 1)
		ok := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- result{v: a[0]}; return nil })
		bad := js.FuncOf(func(_ js.Value, a []js.Value) any {
			ch <- result{err: errors.New(a[0].Call("toString").String())}
			return nil
		})
		defer ok.Release()
		defer bad.Release()
		p.Call("then", ok, bad)
		r := <-ch
		return r.v, r.err
	}
	resp, err := await(global.Call("fetch", url))
	if err != nil {
		return "", nil, errors.New("?com=" + url + ": " + err.Error())
	}
	if !resp.Get("ok").Bool() {
		return "", nil, errors.New("?com=" + url + ": HTTP " + resp.Get("status").Call("toString").String())
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return "", nil, errors.New("?com=" + url + ": " + err.Error())
	}
	return name, bytesOf(uint8s.New(buf)), nil
}

func bytesOf(v js.Value) []byte {
	if !v.Truthy() || !v.InstanceOf(uint8s) {
		return nil
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}

func toJS(b []byte) js.Value {
	v := uint8s.New(len(b))
	js.CopyBytesToJS(v, b)
	return v
}

func errValue(err error) any {
	if err == nil {
		return nil
	}
	return global.Get("Error").New(err.Error())
}

// fail shows the error on the page as well as the console.
func fail(err error) {
	global.Get("console").Call("error", "z80ulm: "+err.Error())
	if f := global.Get("z80ulmFailed"); f.Type() == js.TypeFunction {
		f.Invoke(err.Error())
	}
}
