// Package emu is the CP/M 2.2 machine everything in this project runs on
// (docs/DESIGN.md, "The CP/M machine"): a Z80 (github.com/koron-go/z80,
// with the undocumented instructions it lacks run around it) with an exact
// T-state count for every instruction, 64 KB of memory laid out as CP/M
// 2.2 leaves it, the BDOS, the BIOS and a CCP written in Go, a virtual
// drive A: and an 80x24 terminal.
//
// Two ways in:
//
//   - Machine (New, RunFor, Type, PressKey, Terminal) is the interactive
//     computer a front end drives: it boots to the A> prompt, runs
//     programs from drive A:, and reports Waiting when the program (or the
//     CCP) waits for a key or is found idle, so the front end can idle.
//     Clock paces RunFor to a clock rate.
//   - RunCOM and RunStream run one program directly, without the CCP, with
//     scripted or streamed console input, and measure the T-states and
//     characters per input line (LineStat). Tests, the packer and
//     tools/cpm use them.
//
// The parts, one file each: timing.go (T-state tables), cpu.go (the run
// loop, undocumented instructions), memory.go (memory map), load.go
// (.COM loading, command tail, FCBs), bdos.go and bdosdisk.go (BDOS
// functions), bios.go (BIOS entries), disk.go (drive A:), files.go (its
// public API), console.go (keys, line editor), ccp.go, terminal.go,
// clock.go, machine.go, run.go, fault.go.
//
// Faults (HALT, a jump into the BDOS/BIOS area other than its entries, a
// .COM too big for the TPA, a host file system that refuses a change) stop
// the program with a *Fault naming what happened, PC and the registers; a
// Machine prints it and returns to the CCP. What CP/M itself reports (a
// select error, a read-only drive or file) it reports as CP/M does.
//
// Nothing here is safe for concurrent use: drive a Machine from one
// goroutine.
package emu
