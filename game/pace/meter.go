// Package pace measures how well the front end keeps the machine's time:
// the clock rate really achieved and the frames that came late.
package pace

import "time"

// Meter measures T-states executed divided by wall time, over the last
// second of ticks in which the program was busy (a tick where it sat waiting
// for a key says nothing about speed). It also counts missed frames: busy
// ticks that came more than two frame periods after the previous tick.
type Meter struct {
	samples [64]sample
	n, next int

	Ticks  uint64 // ticks recorded
	Missed uint64 // busy ticks later than two frame periods
	last   time.Time
	period time.Duration
}

type sample struct {
	dt      time.Duration
	tstates uint64
}

// NewMeter returns a meter for a game ticking tps times a second.
func NewMeter(tps int) *Meter {
	return &Meter{period: time.Second / time.Duration(tps)}
}

// Tick records one tick: its time, the T-states executed, and whether the
// program ran for the whole tick (busy) rather than blocking on input.
func (m *Meter) Tick(now time.Time, tstates uint64, busy bool) {
	m.Ticks++
	if m.last.IsZero() {
		m.last = now
		return
	}
	dt := now.Sub(m.last)
	m.last = now
	if !busy || dt <= 0 {
		return
	}
	if dt > 2*m.period {
		m.Missed++
	}
	m.samples[m.next] = sample{dt, tstates}
	m.next = (m.next + 1) % len(m.samples)
	if m.n < len(m.samples) {
		m.n++
	}
}

// MHz is the achieved rate over the most recent busy ticks (about one
// second of them), 0 before any.
func (m *Meter) MHz() float64 {
	var t uint64
	var d time.Duration
	for i := 0; i < m.n && d < time.Second; i++ {
		s := m.samples[(m.next-1-i+len(m.samples))%len(m.samples)]
		t += s.tstates
		d += s.dt
	}
	if d <= 0 {
		return 0
	}
	return float64(t) / d.Seconds() / 1e6
}
