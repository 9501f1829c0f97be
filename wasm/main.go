//go:build js && wasm

// Command wasm is the browser entry point: the same game as the desktop
// window, in a canvas, with window.z80ulm for tests and assistive tools:
//
//	z80ulm.screenText()  the 24 terminal lines (an array of strings)
//	z80ulm.type(text)    queue console input ("\n" is Enter)
//	z80ulm.stats()       timing: achieved MHz, T-states, program, missed frames...
//
// The page's query picks the program: ?run=CHAT, ?run= for the bare
// prompt, nothing for GUESS; ?turbo=1 and ?crt=1 start those modes.
package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"z80ulm/assets"
	"z80ulm/game"
	"z80ulm/game/keys"
)

func main() {
	q, _ := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	run := "GUESS"
	if v, ok := q["run"]; ok {
		run = v[0]
	}
	on := func(k string) bool { v := q.Get(k); return v == "1" || v == "true" }

	perf := js.Global().Get("performance")
	started := perf.Call("now").Float() // ms since the page began loading

	g, err := game.New(game.Config{
		Files:    assets.Programs,
		Run:      run,
		Turbo:    on("turbo"),
		CRT:      on("crt"),
		HostKeys: true,
	})
	if err != nil {
		fail(err)
		return
	}

	api := js.Global().Get("Object").New()
	api.Set("screenText", js.FuncOf(func(js.Value, []js.Value) any {
		lines := g.ScreenText()
		out := make([]any, len(lines))
		for i, l := range lines {
			out[i] = l
		}
		return js.ValueOf(out)
	}))
	api.Set("type", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			g.Type(args[0].String())
		}
		return nil
	}))
	api.Set("stats", js.FuncOf(func(js.Value, []js.Value) any {
		st := g.Stats()
		b, _ := json.Marshal(st)
		v := js.Global().Get("JSON").Call("parse", string(b))
		// Page-relative times: what a visitor waits for.
		v.Set("goStartMs", started)
		if st.FirstPromptMs > 0 {
			v.Set("pageToPromptMs", started+st.FirstPromptMs)
		}
		return v
	}))
	js.Global().Set("z80ulm", api)

	// Every keydown on the canvas (auto-repeats included) becomes console
	// input; Ebiten, which polls key state once per tick, sees only the
	// front end's own keys (F2, F3, F11).
	if canvas := js.Global().Get("document").Call("querySelector", "canvas"); canvas.Truthy() {
		canvas.Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
			e := args[0]
			if k := keys.FromBrowser(e.Get("key").String(), e.Get("ctrlKey").Bool(), e.Get("altKey").Bool(), e.Get("metaKey").Bool()); k != "" {
				g.TypeKeys(k)
			}
			return nil
		}))
	} else {
		fail(errors.New("no canvas: keyboard input unavailable"))
	}
	if f := js.Global().Get("z80ulmStarted"); f.Type() == js.TypeFunction {
		f.Invoke()
	}

	ebiten.SetTPS(game.TPS)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetRunnableOnUnfocused(true)
	if err := ebiten.RunGame(g); err != nil {
		fail(err)
	}
}

// fail shows the error on the page as well as the console.
func fail(err error) {
	js.Global().Get("console").Call("error", "z80ulm: "+err.Error())
	if f := js.Global().Get("z80ulmFailed"); f.Type() == js.TypeFunction {
		f.Invoke(err.Error())
	}
}
