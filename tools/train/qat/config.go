package qat

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"z80ulm/model"
)

// Config is everything that decides the trained model. Two runs with the
// same Config and data give the same model bytes, whatever the worker count
// and the platform.
type Config struct {
	Hidden    []int // hidden layer sizes
	Epochs    int
	LR        float32 // peak learning rate (linear warm-up, cosine decay)
	LREnd     float32 // the learning rate ends at LREnd * LR
	Batch     int     // examples per optimizer step
	Seed      uint64  // initial weights and the order of the examples
	Temp      float32 // softmax temperature on the integer logits
	QStart    float32 // quantization blend at the first step
	QRamp     float64 // fraction of the steps over which the blend reaches 1
	Decay     float32 // AdamW weight decay on latent weights
	BiasScale float32 // accumulator units per latent bias unit
	InitRange float32 // latent weights start uniform in ±InitRange
	Limit     float32 // accumulator magnitude above which the penalty starts
	Penalty   float32 // weight of the overflow penalty
	Workers   int     // goroutines; does not change the result
	Parity    int     // examples checked against the model package every epoch
	Measure   int     // lines measured after each epoch and at the end (0: all)
	SkipCE    float32 // rows right with a loss below this skip the backward pass

	// Fine-tuning (a run that starts from a model): the first Freeze layers
	// keep their weights. Early stopping on the held-out lines: stop once
	// their exact replies reach StopAt percent, or after Patience epochs
	// without a better figure (0: never).
	// BestOnVal keeps the model with the most exact held-out replies (for
	// a development set, never the test set whose figure is quoted).
	Freeze    int
	StopAt    float64
	Patience  int
	BestOnVal bool

	Val []model.Pair // held-out lines: exact replies reported, never trained
}

// DefaultConfig is the trainer's default: the default shape of the model
// family (256 -> 256 -> 192 -> 128 -> charset) and the settings that train it.
func DefaultConfig() Config {
	return Config{
		Hidden: []int{256, 192, 128}, Epochs: 40, LR: 0.01, LREnd: 0.005, Batch: 64, Seed: 1,
		Temp: 16, InitRange: 0.75, QStart: 0.3, QRamp: 0.5, Decay: 0.01, BiasScale: 64,
		Limit: 0.8 * 32767, Penalty: 0.03, Workers: runtime.GOMAXPROCS(0), Parity: 2048, SkipCE: 0.01,
	}
}

// Check refuses settings that would make training meaningless; the
// messages name the command's flags.
func (c Config) Check() error {
	switch {
	case c.Batch < 1 || c.Epochs < 1 || c.Workers < 1:
		return fmt.Errorf("-batch, -epochs and -workers must be at least 1")
	case !(c.LR >= 0) || !(c.LREnd >= 0 && c.LREnd <= 1) || !(c.Temp > 0) || !(c.InitRange > 0) || !(c.Decay >= 0) || !(c.SkipCE >= 0):
		return fmt.Errorf("-lr, -decay and -skip must be at least 0, -lrend in 0..1, -temp and -init above 0")
	case !(c.QStart >= 0 && c.QStart <= 1) || !(c.QRamp >= 0 && c.QRamp <= 1):
		return fmt.Errorf("-qstart and -qramp must be in 0..1")
	case c.Freeze < 0 || c.Freeze > len(c.Hidden):
		return fmt.Errorf("-freeze %d: the model has %d layers, the last is always trained", c.Freeze, len(c.Hidden)+1)
	case (c.StopAt != 0 || c.Patience != 0 || c.BestOnVal) && len(c.Val) == 0:
		return fmt.Errorf("-stopat, -patience and -bestval use the held-out lines: give -val")
	case c.Measure < 0:
		return fmt.Errorf("-measure must be at least 0")
	case !(c.StopAt >= 0 && c.StopAt <= 100) || c.Patience < 0:
		return fmt.Errorf("-stopat must be in 0..100, -patience at least 0")
	}
	return nil
}

// String lists the settings that decide the model, for its metadata (the
// fine-tuning ones only when set).
func (c Config) String() string {
	s := fmt.Sprintf("hidden=%s epochs=%d lr=%g lrend=%g batch=%d seed=%d temp=%g init=%g qstart=%g qramp=%g decay=%g bias=%g limit=%g penalty=%g skip=%g",
		Sizes(c.Hidden), c.Epochs, c.LR, c.LREnd, c.Batch, c.Seed, c.Temp, c.InitRange, c.QStart, c.QRamp, c.Decay, c.BiasScale, c.Limit, c.Penalty, c.SkipCE)
	if c.Freeze > 0 {
		s += fmt.Sprintf(" freeze=%d", c.Freeze)
	}
	if c.StopAt > 0 {
		s += fmt.Sprintf(" stopat=%g", c.StopAt)
	}
	if c.Patience > 0 {
		s += fmt.Sprintf(" patience=%d", c.Patience)
	}
	if c.BestOnVal {
		s += " best=val"
	}
	if c.Measure > 0 {
		s += fmt.Sprintf(" measure=%d", c.Measure)
	}
	return s
}

// Sizes writes layer sizes as the -hidden flag takes them: "256,192,128".
func Sizes(hs []int) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = strconv.Itoa(h)
	}
	return strings.Join(s, ",")
}
