package emu

import (
	"testing"
	"testing/fstest"
	"time"
)

// inferenceLoop is a Z80 loop shaped like a neural network's inner loop:
// index pairs fetched with POP, accumulator bytes in a page-aligned table
// updated with a carry into the high-byte page, a DJNZ counter.
var inferenceLoop = []byte{
	0x31, 0x00, 0x90, // 0100 ld sp,9000h     index list
	0x21, 0x00, 0x80, // 0103 ld hl,8000h     accumulator pages 80h (low), 81h (high)
	0x0E, 0x5A, //       0106 ld c,5Ah        the input value
	0x06, 0x00, //       0108 ld b,0          256 pairs
	0xD1,       //       010A loop: pop de    two output indices
	0x6B,       //       010B ld l,e
	0x7E,       //       010C ld a,(hl)
	0x81,       //       010D add a,c
	0x77,       //       010E ld (hl),a
	0x30, 0x03, //       010F jr nc,0114h
	0x24,       //       0111 inc h
	0x34,       //       0112 inc (hl)       carry into the high byte
	0x25,       //       0113 dec h
	0x6A,       //       0114 ld l,d
	0x7E,       //       0115 ld a,(hl)
	0x91,       //       0116 sub c
	0x77,       //       0117 ld (hl),a
	0x10, 0xF0, //       0118 djnz loop
	0xC3, 0x00, 0x01, // 011A jp 0100h
}

// BenchmarkInferenceLoop reports the emulated clock rate with T-state
// counting on, as MHz-equivalent: T-states per microsecond of wall-clock
// time ("MHz") and, where the host can tell, per microsecond of the
// process's CPU time ("MHz-cpu", which other load on the host does not
// disturb). Each op is 10 million T-states (2.5 s of a 4 MHz Z80).
func BenchmarkInferenceLoop(b *testing.B) {
	const slice = 10_000_000
	c := newCore()
	c.bdos.disk, _ = newMemDrive(nil)
	if err := c.load(inferenceLoop, ""); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	t0 := c.t
	for i := 0; i < b.N; i++ {
		if s := c.run(c.t + slice); s != stopBudget {
			b.Fatalf("stopped: %v %v", s, c.fault)
		}
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	n := float64(c.t - t0)
	b.ReportMetric(n/wall.Seconds()/1e6, "MHz")
	if cpu > 0 {
		b.ReportMetric(n/cpu.Seconds()/1e6, "MHz-cpu")
	}
}

// BenchmarkMachine runs the same loop the way a front end does: a Machine
// started from the CCP, driven by RunFor in 1/60 s slices of a 4 MHz clock.
func BenchmarkMachine(b *testing.B) {
	m, err := New(Config{Files: fstest.MapFS{"LOOP.COM": {Data: inferenceLoop}}, Autoexec: "LOOP"})
	if err != nil {
		b.Fatal(err)
	}
	const frame = 4_000_000 / 60
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	t0 := m.TStates()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 150; j++ { // 10 M T-states
			if m.RunFor(frame) != Running {
				b.Fatal("the loop stopped")
			}
		}
	}
	n := float64(m.TStates() - t0)
	b.ReportMetric(n/time.Since(start).Seconds()/1e6, "MHz")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(n/cpu.Seconds()/1e6, "MHz-cpu")
	}
}
