// Package pace measures how well the front end keeps the machine's time:
// the clock rate really achieved, the frames that came late, and whether
// the host could run all that the clock owed.
package pace

import "time"

// Meter measures T-states executed divided by wall time, over the last
// second of ticks in which the program was busy (a tick where it sat waiting
// for a key says nothing about speed). It also counts missed frames: busy
// ticks that came more than two frame periods after the previous tick; and
// it notes short ticks, which ran out of time before running what the
// clock owed: a host too slow (or too busy) for the clock.
type Meter struct {
	samples [64]sample
	n, next int

	Ticks  uint64 // ticks recorded
	Missed uint64 // busy ticks later than two frame periods
	Short  uint64 // busy ticks that ran less than the clock owed
	last   time.Time
	period time.Duration
}

type sample struct {
	dt      time.Duration
	tstates uint64
	short   bool
}

// NewMeter returns a meter for a game ticking tps times a second.
func NewMeter(tps int) *Meter {
	return &Meter{period: time.Second / time.Duration(tps)}
}

// Tick records one tick: its time, the T-states executed, whether the
// program ran for the whole tick (busy) rather than blocking on input, and
// whether the tick ran short of what the clock owed.
func (m *Meter) Tick(now time.Time, tstates uint64, busy, short bool) {
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
	if short {
		m.Short++
	}
	m.samples[m.next] = sample{dt, tstates, short}
	m.next = (m.next + 1) % len(m.samples)
	if m.n < len(m.samples) {
		m.n++
	}
}

// window calls f for the most recent busy ticks, about one second of them.
func (m *Meter) window(f func(s sample)) {
	var d time.Duration
	for i := 0; i < m.n && d < time.Second; i++ {
		s := m.samples[(m.next-1-i+len(m.samples))%len(m.samples)]
		f(s)
		d += s.dt
	}
}

// MHz is the achieved rate over the most recent busy ticks (about one
// second of them), 0 before any.
func (m *Meter) MHz() float64 {
	var t uint64
	var d time.Duration
	m.window(func(s sample) { t += s.tstates; d += s.dt })
	if d <= 0 {
		return 0
	}
	return float64(t) / d.Seconds() / 1e6
}

// Slow reports whether any of the ticks MHz covers ran short: the rate is
// then what the host could do, not what the clock asked.
func (m *Meter) Slow() bool {
	slow := false
	m.window(func(s sample) { slow = slow || s.short })
	return slow
}
