package qat

import (
	"context"
	"testing"

	"z80ulm/tools/train/internal/synth"
)

// BenchmarkEpoch trains the default shape on 20,000 synthetic lines for
// three epochs and reports the seconds per epoch (the loop and the per-epoch
// measurements, not the final model.Next check), natively or as WebAssembly,
// with the allowed replies (as the command trains: only the steps the
// network decides are examples) and without (every character a step):
//
//	go test -run=^$ -bench=Epoch -benchtime=1x ./tools/train/qat
//	GOOS=js GOARCH=wasm go test -run=^$ -bench=Epoch -benchtime=1x -exec=$(go env GOROOT)/lib/wasm/go_js_wasm_exec ./tools/train/qat
func BenchmarkEpoch(b *testing.B) {
	b.Run("replies", func(b *testing.B) { benchEpoch(b, true) })
	b.Run("every-step", func(b *testing.B) { benchEpoch(b, false) })
}

func benchEpoch(b *testing.B, replies bool) {
	pairs := synth.Pairs(synth.Lines(20000, 1))
	cfg := DefaultConfig()
	cfg.Epochs = 3
	shape := Shape(pairs, cfg.Hidden)
	if !replies {
		shape.Replies = nil
	}
	ds, err := NewDataset(pairs, shape)
	if err != nil {
		b.Fatal(err)
	}
	var secs float64
	epochs := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Train(context.Background(), cfg, ds, shape, nil, Hooks{})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range res.History {
			secs += s.Seconds
			epochs++
		}
	}
	b.ReportMetric(secs/float64(epochs), "s/epoch")
	b.ReportMetric(float64(ds.Examples())*float64(epochs)/secs, "examples/s")
	b.ReportMetric(float64(ds.Examples()), "examples")
}
