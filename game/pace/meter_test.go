package pace

import (
	"testing"
	"time"
)

func TestMeter(t *testing.T) {
	m := NewMeter(60)
	t0 := time.Unix(1000, 0)
	frame := time.Second / 60
	if m.MHz() != 0 {
		t.Fatalf("rate before any tick = %v", m.MHz())
	}
	now := t0
	m.Tick(now, 0, true, false) // the first tick has no interval
	// Two seconds at 4 MHz: 66,666 T-states per 1/60 s.
	for i := 0; i < 120; i++ {
		now = now.Add(frame)
		m.Tick(now, 4000000/60, true, false)
	}
	if r := m.MHz(); r < 3.99 || r > 4.01 || m.Slow() {
		t.Errorf("rate at 4 MHz pacing = %.4f, slow %v", r, m.Slow())
	}
	if m.Missed != 0 {
		t.Errorf("missed = %d on regular ticks", m.Missed)
	}
	// Waiting ticks (not busy) neither change the rate nor count as missed.
	for i := 0; i < 30; i++ {
		now = now.Add(5 * frame)
		m.Tick(now, 0, false, false)
	}
	if r := m.MHz(); r < 3.99 || r > 4.01 {
		t.Errorf("rate after idle ticks = %.4f", r)
	}
	if m.Missed != 0 {
		t.Errorf("idle ticks counted as missed: %d", m.Missed)
	}
	// A busy machine that only gets half the T-states it is owed, with a
	// late frame.
	now = now.Add(3 * frame)
	m.Tick(now, 3*4000000/60/2, true, true)
	for i := 0; i < 70; i++ {
		now = now.Add(frame)
		m.Tick(now, 4000000/60/2, true, true)
	}
	if r := m.MHz(); r < 1.99 || r > 2.01 || !m.Slow() {
		t.Errorf("rate at half speed = %.4f, slow %v", r, m.Slow())
	}
	if m.Missed != 1 {
		t.Errorf("missed = %d, want 1", m.Missed)
	}
	if m.Ticks != 1+120+30+71 || m.Short != 71 {
		t.Errorf("ticks = %d, short = %d", m.Ticks, m.Short)
	}
	// A second of full ticks later, the slow spell is out of the window.
	for i := 0; i < 61; i++ {
		now = now.Add(frame)
		m.Tick(now, 4000000/60, true, false)
	}
	if r := m.MHz(); r < 3.99 || r > 4.01 || m.Slow() {
		t.Errorf("rate after recovering = %.4f, slow %v", r, m.Slow())
	}
}
