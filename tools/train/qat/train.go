// Package qat is the trainer: quantization-aware training of a μLM whose
// forward pass is the integer network the Z80 runs, so the float model the
// optimizer sees and the 2-bit model that ships are the same function
// (docs/DESIGN.md, "Training"). It has no files, flags or terminals: the
// train and teach commands and the browser's teach worker wrap it, with
// progress hooks and a context to cancel.
//
// The loop reads top to bottom: Train (this file) keeps the books (epochs,
// the best model, the hooks); trainer.step (step.go) is one optimizer step
// (a forward and backward pass per example on all cores, then per weight
// row the gradient over the batch, an AdamW step and the new 2-bit
// weights); trainer.measure (eval.go) is the evaluation after each epoch.
package qat

import (
	"context"
	"fmt"
	"time"

	"z80ulm/model"
)

// EpochStats is one line of the training log (and one point of the plot).
type EpochStats struct {
	Epoch    int
	Loss     float64 // mean cross-entropy plus penalty over the epoch
	TrainAcc float64 // character accuracy of the forward passes while training
	FloatAcc float64 // character accuracy of the float network at epoch end
	IntAcc   float64 // character accuracy of the exact integer network
	ReplyAcc float64 // lines whose whole reply the integer net gets right
	Alpha    float32 // quantization blend at the end of the epoch
	LR       float32
	ValAcc   float64 // exact replies on the held-out lines (model.Generate)
	Seconds  float64

	ParitySample, ParityMiss int // model.Forward checked on, and disagreeing
}

// Hooks let a caller show progress without the loop knowing about
// terminals or pages. Any may be nil.
type Hooks struct {
	Step  func(done, total int)                    // after every optimizer step
	Epoch func(s EpochStats, best bool)            // after every epoch
	Save  func(m *model.Model, s EpochStats) error // a new best model
}

// Result is what a run leaves: the best model by IntAcc and the history.
type Result struct {
	Best      *model.Model
	BestStats EpochStats
	History   []EpochStats
	Stopped   bool // cancelled before the last epoch
	Early     bool // stopped early on the held-out lines (StopAt, Patience)

	// IntAcc and exact-reply accuracy of Best by the model package's own
	// inference on every measured example: the figures that count.
	NextIntAcc, NextReplyAcc float64
	Measured                 int // lines measured: all, or Config.Measure of them

	// State is a digest of the final latent parameters and optimizer
	// moments: equal digests mean two runs computed the same bits all along,
	// even where the 2-bit model could not show a difference.
	State string
}

// Train runs mini-batch AdamW on the examples of ds. shape is a model of the
// wanted shape, charset and allowed replies (Shape makes one); init, when
// not nil, is a model to start from instead of random weights. Cancelling
// ctx stops after the current step; the best model so far is kept.
func Train(ctx context.Context, cfg Config, ds *Dataset, shape, init *model.Model, h Hooks) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.Freeze > 0 && init == nil {
		return nil, fmt.Errorf("-freeze keeps layers of a model to start from: give one (-resume)")
	}
	tr := newTrainer(cfg, ds, shape, init)
	res := &Result{}
	bestKey := [3]float64{-1, -1, -1}
	bestVal, sinceVal := -1.0, 0
	for epoch := 1; epoch <= cfg.Epochs && !res.Stopped && !res.Early; epoch++ {
		start := time.Now()
		tr.shuffle()
		var sum stepSums
		for k := 0; k < tr.stepsPerEpoch; k++ {
			if ctx.Err() != nil {
				res.Stopped = true
				break
			}
			sum.add(tr.step(k))
			if h.Step != nil {
				h.Step(tr.t, tr.total)
			}
		}
		if sum.weight == 0 { // stopped before the first step of this epoch
			break
		}
		m, st := tr.measure()
		st.Epoch, st.Seconds = epoch, time.Since(start).Seconds()
		st.Loss, st.TrainAcc = sum.loss/sum.weight, 100*sum.hits/sum.weight
		res.History = append(res.History, st)
		// The best model has the highest IntAcc, then the most exact
		// replies; with BestOnVal, the most exact held-out replies first.
		key := [3]float64{st.IntAcc, st.ReplyAcc}
		if cfg.BestOnVal {
			key = [3]float64{st.ValAcc, st.IntAcc, st.ReplyAcc}
		}
		better := key[0] > bestKey[0] || (key[0] == bestKey[0] && (key[1] > bestKey[1] || (key[1] == bestKey[1] && key[2] > bestKey[2])))
		if better {
			bestKey = key
			res.Best, res.BestStats = m, st
			if h.Save != nil {
				if err := h.Save(m, st); err != nil {
					return res, err
				}
			}
		}
		if h.Epoch != nil {
			h.Epoch(st, better)
		}
		if st.ValAcc > bestVal {
			bestVal, sinceVal = st.ValAcc, 0
		} else {
			sinceVal++
		}
		res.Early = (cfg.StopAt > 0 && st.ValAcc >= cfg.StopAt) || (cfg.Patience > 0 && sinceVal >= cfg.Patience)
	}
	if res.Best == nil {
		return res, fmt.Errorf("stopped before the first epoch ended: no model")
	}
	set := tr.measured
	res.Measured = len(set.lines)
	res.NextIntAcc, res.NextReplyAcc = score(ds, set, predictNext(res.Best, ds, set.ex, cfg.Workers))
	res.State = tr.n.digest()
	return res, nil
}

// Agree checks that the model package's inference gave the best model the
// figures the training pass measured: any difference means the two integer
// paths disagree, which is a bug.
func (r *Result) Agree() error {
	b := r.BestStats
	if r.NextIntAcc != b.IntAcc || r.NextReplyAcc != b.ReplyAcc {
		return fmt.Errorf("model.Forward gives IntAcc %.3f%% and replies %.3f%%, the training pass %.3f%% and %.3f%%: the integer paths disagree",
			r.NextIntAcc, r.NextReplyAcc, b.IntAcc, b.ReplyAcc)
	}
	return nil
}
