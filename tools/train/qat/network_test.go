package qat

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"z80ulm/model"
	"z80ulm/tools/train/internal/synth"
)

// TestForwardIsIntegerNet: with quantization complete, the training forward
// pass and model.Forward give the same outputs, overflow and wrap included.
func TestForwardIsIntegerNet(t *testing.T) {
	pairs := synth.Pairs(synth.Lines(200, 5))
	rng := rand.New(rand.NewPCG(9, 9))
	shape := model.New(model.BuildCharset(Responses(pairs)), []int{64, 40, 24})
	ds, err := NewDataset(pairs, shape)
	if err != nil {
		t.Fatal(err)
	}
	wrapped := 0
	for trial := 0; trial < 6; trial++ {
		n := newNetwork(shape, rng, 64, 1.5)
		for _, l := range n.layers {
			for o := range l.b {
				// Large biases and weights skewed to +1 in some trials push
				// accumulators past 16 bits, where the Z80 wraps.
				l.b[o] = float32(rng.NormFloat64()) * float32(1+trial*trial*40)
			}
			if trial >= 3 {
				for i := range l.w {
					l.w[i] = float32(rng.Float64()*2.5 - 1)
				}
			}
		}
		n.requantizeAll()
		m := n.toModel(shape)
		r := newRowState(n)
		for i := range ds.examples {
			e := &ds.examples[i]
			l := ds.lines[e.line]
			n.forward(0, e.in, r)
			want := m.Forward(m.Input(l.Input, l.Response[:e.k]))
			got := r.act[len(r.act)-1]
			for c := range want {
				if float32(want[c]) != got[c] {
					t.Fatalf("trial %d example %d class %d: training forward %v, model.Forward %d", trial, i, c, got[c], want[c])
				}
			}
			for _, acc := range r.acc {
				for _, a := range acc {
					if a >= 32768 || a < -32768 {
						wrapped++
					}
				}
			}
		}
	}
	if wrapped == 0 {
		t.Error("no accumulator overflowed: the wrap case was not exercised")
	}
}

// TestInterrupt: stopping mid-run (Ctrl+C cancels the context) keeps the
// best model, the interrupted epoch measured as far as it got.
func TestInterrupt(t *testing.T) {
	pairs := synth.Pairs(synth.Lines(100, 6))
	shape := model.New(model.BuildCharset(Responses(pairs)), []int{16})
	ds, err := NewDataset(pairs, shape)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Epochs, cfg.Batch = []int{16}, 5, 32
	steps := (len(ds.examples) + cfg.Batch - 1) / cfg.Batch
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, saved := 0, 0
	res, err := Train(ctx, cfg, ds, shape, nil, Hooks{
		Step: func(done, total int) {
			if n++; n == steps*2+1 {
				cancel() // in the third epoch
			}
		},
		Save: func(*model.Model, EpochStats) error { saved++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || len(res.History) != 3 || res.Best == nil || saved == 0 {
		t.Fatalf("stopped %v after %d epochs, best %v, %d saves", res.Stopped, len(res.History), res.Best != nil, saved)
	}
}

// TestFloor: the fast floor agrees with math.Floor over the range it serves.
func TestFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		x := float32(rng.Float64()*65536 - 32768)
		if i%2 == 0 {
			x = float32(int32(x)) // integers, the quantized case
		}
		if got, want := floor(x), float32(math.Floor(float64(x))); got != want {
			t.Fatalf("floor(%v) = %v, want %v", x, got, want)
		}
	}
}
