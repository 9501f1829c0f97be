package qat

import (
	"context"
	"slices"
	"strings"
	"testing"

	"z80ulm/model"
	"z80ulm/tools/train/internal/synth"
)

// tinyRun trains a small model on the synthetic game.
func tinyRun(t *testing.T, cfg Config, pairs []model.Pair, init *model.Model) *Result {
	t.Helper()
	shape := Shape(pairs, cfg.Hidden)
	if init != nil {
		var err error
		if shape, err = Resume(init, shape); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := NewDataset(pairs, shape)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Train(context.Background(), cfg, ds, shape, init, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Agree(); err != nil {
		t.Fatal(err)
	}
	return res
}

func tinyConfig() Config {
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.LR = []int{48, 32, 24}, 4, 32, 0.02
	return cfg
}

// TestFreeze fine-tunes a model with its first two layers frozen: those
// keep every weight and bias, the others change, and the replies improve
// on the new data (the same questions with YES and NO swapped, so that the
// frozen layers' features still tell them apart).
func TestFreeze(t *testing.T) {
	lines := synth.Lines(400, 1)
	cfg := tinyConfig()
	cfg.Epochs = 12
	base := tinyRun(t, cfg, synth.Pairs(lines), nil).Best
	var swapped []model.Pair
	for _, p := range synth.Pairs(lines) {
		p.Response = map[string]string{"YES": "NO", "NO": "YES"}[p.Response] + map[bool]string{true: p.Response}[p.Response != "YES" && p.Response != "NO"]
		swapped = append(swapped, p)
	}
	before := EvalReplies(base, swapped, 1).Percent()
	cfg.Freeze, cfg.LR, cfg.Epochs = 2, 0.05, 10
	res := tinyRun(t, cfg, swapped, base)
	m := res.Best
	for li := range m.Layers {
		same := slices.Equal(m.Layers[li].W, base.Layers[li].W) && slices.Equal(m.Layers[li].B, base.Layers[li].B)
		if li < 2 && !same {
			t.Errorf("layer %d changed although frozen", li+1)
		}
		if li >= 2 && same {
			t.Errorf("layer %d did not change", li+1)
		}
	}
	after := EvalReplies(m, swapped, 1).Percent()
	t.Logf("swapped data: %.1f%% before, %.1f%% after fine-tuning the last layers", before, after)
	if after < before+30 {
		t.Errorf("fine-tuning took exact replies from %.1f%% to %.1f%% only", before, after)
	}
	if !strings.Contains(m.Meta["flags"]+cfg.String(), "freeze=2") {
		t.Errorf("settings %q do not record the frozen layers", cfg.String())
	}

	// Freezing needs a model to start from, and layers to train.
	for _, c := range []struct {
		freeze int
		init   *model.Model
	}{{1, nil}, {4, base}, {-1, base}} {
		cfg.Freeze = c.freeze
		shape := Shape(swapped, cfg.Hidden)
		ds, _ := NewDataset(swapped, shape)
		if _, err := Train(context.Background(), cfg, ds, shape, c.init, Hooks{}); err == nil {
			t.Errorf("-freeze %d (model %v): no error", c.freeze, c.init != nil)
		}
	}
}

// TestEarlyStop: StopAt ends the run once the held-out replies reach it,
// Patience after epochs without a better figure; BestOnVal keeps the epoch
// with the most exact held-out replies.
func TestEarlyStop(t *testing.T) {
	pairs := synth.Pairs(synth.Lines(400, 3))
	cfg := tinyConfig()
	cfg.Epochs, cfg.Val = 12, synth.Pairs(synth.Lines(100, 4))
	cfg.StopAt = 60
	res := tinyRun(t, cfg, pairs, nil)
	last := res.History[len(res.History)-1]
	if !res.Early || len(res.History) == cfg.Epochs || last.ValAcc < 60 {
		t.Errorf("StopAt 60: early %v after %d epochs, held-out %.1f%%", res.Early, len(res.History), last.ValAcc)
	}
	for _, h := range res.History[:len(res.History)-1] {
		if h.ValAcc >= 60 {
			t.Errorf("epoch %d already had %.1f%% held-out but training went on", h.Epoch, h.ValAcc)
		}
	}

	cfg.StopAt, cfg.Patience, cfg.BestOnVal, cfg.LR = 0, 2, true, 0.08
	res = tinyRun(t, cfg, pairs, nil)
	best := -1.0
	for _, h := range res.History {
		best = max(best, h.ValAcc)
	}
	if res.BestStats.ValAcc != best {
		t.Errorf("BestOnVal kept held-out %.1f%%, the best epoch had %.1f%%", res.BestStats.ValAcc, best)
	}
	n := len(res.History)
	if res.Early && (n < 3 || res.History[n-1].ValAcc > best || res.History[n-2].ValAcc >= best && res.History[n-3].ValAcc < best) {
		t.Errorf("Patience 2 stopped after %d epochs: %v", n, res.History)
	}
	if !res.Early && n != cfg.Epochs {
		t.Errorf("ran %d of %d epochs without stopping early", n, cfg.Epochs)
	}
	if got := EvalReplies(res.Best, cfg.Val, 1).Percent(); got != best {
		t.Errorf("the kept model answers %.1f%% of the held-out lines, its epoch said %.1f%%", got, best)
	}
}

// TestMeasure: measuring a sample of the lines changes nothing but the
// figures, which stay close to the full ones.
func TestMeasure(t *testing.T) {
	pairs := synth.Pairs(synth.Lines(600, 5))
	cfg := tinyConfig()
	full := tinyRun(t, cfg, pairs, nil)
	cfg.Measure = 150
	part := tinyRun(t, cfg, pairs, nil)
	if part.State != full.State {
		t.Error("measuring a sample changed the training")
	}
	if part.Measured != 150 || full.Measured != 599 { // two synthetic lines are alike
		t.Errorf("measured %d and %d lines, want 150 and 599", part.Measured, full.Measured)
	}
	if d := part.NextIntAcc - full.NextIntAcc; d > 8 || d < -8 {
		t.Errorf("IntAcc on a sample %.1f%%, on all %.1f%%", part.NextIntAcc, full.NextIntAcc)
	}
}
