//go:build js && wasm

// Command teach is the browser's teach worker: lesson.Teach compiled to
// WebAssembly and run in a Web Worker (teach-worker.js starts it), so that
// the CP/M screen keeps its clock while a new secret trains
// (docs/DESIGN.md, "Teaching a new secret"). It speaks to teach.js in
// messages:
//
//	in  {type: "info"}                      out {type: "info", attributes, categories, prefill, shipped}
//	in  {type: "count", sheet, plan}        out {type: "count", generated, lines, base} or {type: "problems", problems}
//	in  {type: "teach", sheet, plan}        out {type: "progress", ...}..., then {type: "done", secret, mdl, com, noCOM, ...},
//	                                        {type: "problems", problems} or {type: "error", message}
//
// plan is {seed, lines, epochs} (each optional: the default plan's). A
// lesson computes without handing the worker's event loop back, so the
// page cancels one by terminating the worker (and starts a new one for the
// next); nothing reaches drive A: but a finished lesson's bytes.
package main

import (
	"context"
	"errors"
	"sort"
	"syscall/js"
	"time"

	"z80ulm/assets"
	"z80ulm/tools/teach/lesson"
)

var self = js.Global()

func main() {
	shelf, err := lesson.ShippedShelf(assets.Shelf)
	if err != nil {
		post(map[string]any{"type": "error", "message": "the shelf: " + err.Error()})
		return
	}
	busy := false
	self.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := args[0].Get("data")
		switch msg.Get("type").String() {
		case "info":
			post(info(shelf))
		case "count", "teach":
			if busy {
				post(map[string]any{"type": "error", "message": "busy: one lesson at a time"})
				return nil
			}
			busy = true
			sheet, plan, teach := msg.Get("sheet").String(), planOf(msg.Get("plan")), msg.Get("type").String() == "teach"
			go func() {
				defer func() { busy = false }()
				if teach {
					run(shelf, sheet, plan)
				} else {
					count(shelf, sheet, plan)
				}
			}()
		}
		return nil
	}))
	post(map[string]any{"type": "ready"})
	select {}
}

// planOf is the default plan with what the page set.
func planOf(v js.Value) lesson.Plan {
	p := lesson.DefaultPlan()
	if !v.Truthy() {
		return p
	}
	if s := v.Get("seed"); s.Type() == js.TypeNumber {
		p.Seed = uint64(s.Int())
	}
	if n := v.Get("lines"); n.Type() == js.TypeNumber {
		p.Lines = n.Int()
	}
	if n := v.Get("epochs"); n.Type() == js.TypeNumber {
		p.Epochs = n.Int()
	}
	return p
}

// info is what the panel's form needs: the bank's attributes in order, the
// categories with each attribute's commonest answer among their shipped
// secrets, and the shipped secrets' names (a new secret may not take one).
func info(shelf *lesson.Shelf) map[string]any {
	var attrs []any
	for _, a := range shelf.Bank.Attributes {
		attrs = append(attrs, map[string]any{"name": a.Name, "question": a.Question})
	}
	prefill := map[string]any{}
	var cats []any
	for cat, answers := range shelf.Prefill() {
		m := map[string]any{}
		for k, v := range answers {
			m[k] = v
		}
		prefill[cat] = m
		cats = append(cats, cat)
	}
	sort.Slice(cats, func(i, j int) bool { return cats[i].(string) < cats[j].(string) })
	var shipped []any
	for _, s := range shelf.Shipped {
		shipped = append(shipped, s.Sheet.Secret)
	}
	return map[string]any{"type": "info", "attributes": attrs, "categories": cats, "prefill": prefill, "shipped": shipped}
}

// The last sheet counted, made ready: Train on the same sheet and plan
// (the usual case: the count runs as the sheet is written) skips
// generating its lines again, which takes seconds here.
var prepared struct {
	sheet string
	plan  lesson.Plan
	data  *lesson.Data
}

// count prepares the sheet without training: how many lines it makes, or
// what is wrong with it.
func count(shelf *lesson.Shelf, sheet string, plan lesson.Plan) {
	d, err := lesson.Prepare(shelf, sheet, "sheet", plan)
	if err != nil {
		post(failure(err))
		return
	}
	prepared.sheet, prepared.plan, prepared.data = sheet, plan, d
	post(map[string]any{"type": "count", "generated": d.Generated, "lines": len(d.Train), "dev": len(d.Dev), "base": d.Base.Sheet.Secret})
}

// Training rests restFor after every busyFor of work: on a machine with
// two cores the page's thread (the CP/M machine, the drawing) and the
// browser's own work share the other one, and a worker that never rests
// takes time from them too. Measured on a loaded 2-core machine (make
// bench-teach, docs/DESIGN.md section 10): resting a fifth of the time the
// lesson took 56 s and the page fell from 2.2 to 1.3 MHz; resting half of
// it, 84 to 95 s, and the page kept 65 % to all of its pace, as the load
// varied.
const (
	busyFor = 100 * time.Millisecond
	restFor = 100 * time.Millisecond
)

// run teaches the sheet, telling the page how it goes at most ten times a
// second (a worker's messages reach the page while it computes).
func run(shelf *lesson.Shelf, sheet string, plan lesson.Plan) {
	last, rested := time.Now(), time.Now()
	tell := func(p lesson.Progress) {
		if time.Since(rested) > busyFor {
			time.Sleep(restFor)
			rested = time.Now()
		}
		if p.Phase == lesson.PhaseTrain && p.Done < p.Total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		post(map[string]any{"type": "progress", "phase": p.Phase, "done": p.Done, "total": p.Total, "epoch": p.Epoch, "devAcc": p.DevAcc})
	}
	var res *lesson.Result
	var err error
	if d := prepared.data; d != nil && prepared.sheet == sheet && prepared.plan == plan {
		res, err = lesson.Learn(context.Background(), d, plan, tell)
	} else {
		res, err = lesson.Teach(context.Background(), shelf, sheet, "sheet", plan, tell)
	}
	if err != nil {
		post(failure(err))
		return
	}
	post(map[string]any{
		"type": "done", "secret": res.Secret, "mdl": bytes(res.MDL), "com": bytes(res.COM), "noCOM": res.NoCOM,
		"base": res.Base, "generated": res.Generated, "lines": res.Lines, "dev": res.Dev,
		"devAcc": res.DevAcc, "epochs": res.Epochs, "seconds": res.Seconds,
	})
}

// failure is a bad sheet's problems, one per line of the message, or
// another error.
func failure(err error) map[string]any {
	var se *lesson.SheetError
	if errors.As(err, &se) {
		var ps []any
		for _, p := range se.Problems {
			ps = append(ps, p.Error())
		}
		return map[string]any{"type": "problems", "problems": ps}
	}
	return map[string]any{"type": "error", "message": err.Error()}
}

func bytes(b []byte) js.Value {
	v := self.Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(v, b)
	return v
}

func post(msg map[string]any) {
	self.Call("postMessage", msg)
}
