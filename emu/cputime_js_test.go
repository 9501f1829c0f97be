//go:build js

package emu

import (
	"syscall/js"
	"time"
)

// cpuTime is the CPU time of the Node.js process running this WebAssembly
// (process.cpuUsage), or 0 where there is no such process (a browser).
func cpuTime() time.Duration {
	p := js.Global().Get("process")
	if p.Type() != js.TypeObject || p.Get("cpuUsage").Type() != js.TypeFunction {
		return 0
	}
	u := p.Call("cpuUsage")
	return time.Duration(u.Get("user").Float()+u.Get("system").Float()) * time.Microsecond
}
