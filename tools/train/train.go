package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"z80ulm/model"
)

// config is everything that decides the trained model. Two runs with the
// same config and data give the same model bytes, whatever the worker count.
type config struct {
	hidden    []int
	epochs    int
	lr        float32
	lrEnd     float32 // the learning rate ends at lrEnd * lr
	batch     int
	seed      uint64
	temp      float32 // softmax temperature on the integer logits
	qstart    float32 // quantization blend at the first step
	qramp     float64 // fraction of the steps over which the blend reaches 1
	decay     float32 // AdamW weight decay on latent weights
	biasScale float32 // accumulator units per latent bias unit
	initRange float32 // latent weights start uniform in ±initRange
	limit     float32 // accumulator magnitude above which the penalty starts
	penalty   float32
	workers   int     // goroutines; does not change the result
	parity    int     // examples checked against model.Next every epoch
	skipCE    float32 // rows right with a loss below this skip the backward pass

	val []model.Pair // held-out lines: exact replies reported, never trained
}

func defaultConfig() config {
	return config{
		hidden: []int{256, 192, 128}, epochs: 40, lr: 0.01, lrEnd: 0.005, batch: 64, seed: 1,
		temp: 16, initRange: 0.75, qstart: 0.3, qramp: 0.5, decay: 0.01, biasScale: 64,
		limit: 0.8 * 32767, penalty: 0.03, workers: runtime.GOMAXPROCS(0), parity: 2048, skipCE: 0.01,
	}
}

// check refuses settings that would make training meaningless.
func (c config) check() error {
	switch {
	case c.batch < 1 || c.epochs < 1 || c.workers < 1:
		return fmt.Errorf("-batch, -epochs and -workers must be at least 1")
	case !(c.lr >= 0) || !(c.lrEnd >= 0 && c.lrEnd <= 1) || !(c.temp > 0) || !(c.initRange > 0) || !(c.decay >= 0) || !(c.skipCE >= 0):
		return fmt.Errorf("-lr, -decay and -skip must be at least 0, -lrend in 0..1, -temp and -init above 0")
	case !(c.qstart >= 0 && c.qstart <= 1) || !(c.qramp >= 0 && c.qramp <= 1):
		return fmt.Errorf("-qstart and -qramp must be in 0..1")
	}
	return nil
}

// epochStats is one line of the training log (and one point of the plot).
type epochStats struct {
	epoch    int
	loss     float64 // mean cross-entropy plus penalty over the epoch
	trainAcc float64 // character accuracy of the forward passes while training
	floatAcc float64 // character accuracy of the float network at epoch end
	intAcc   float64 // character accuracy of model.Next, the exact integer net
	replyAcc float64 // lines whose whole reply the integer net gets right
	alpha    float32
	lr       float32
	valAcc   float64 // exact replies on the held-out lines (model.Generate)
	seconds  float64

	paritySample, parityMiss int // model.Next checked on, and disagreeing
}

// hooks let main show progress without the loop knowing about terminals.
type hooks struct {
	step  func()                                   // after every optimizer step
	epoch func(s epochStats, best bool)            // after every epoch
	save  func(m *model.Model, s epochStats) error // a new best model
}

// result is what a run leaves: the best model by IntAcc and the history.
type result struct {
	best      *model.Model
	bestStats epochStats
	history   []epochStats
	stopped   bool // interrupted before the last epoch

	// IntAcc and exact-reply accuracy of best by model.Next on every example.
	nextIntAcc, nextReplyAcc float64

	// state is a digest of the final latent parameters and optimizer
	// moments: equal digests mean two runs computed the same bits all along,
	// even where the 2-bit model could not show a difference.
	state string
}

// train runs mini-batch AdamW on the examples of ds. shape is a model of the
// wanted shape and charset; init, when non-nil, is a model to resume from.
func train(ctx context.Context, cfg config, ds *dataset, shape, init *model.Model, h hooks) (*result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.seed, 0x5a80))
	n := newNetwork(shape, rng, cfg.biasScale, cfg.initRange)
	if init != nil {
		n.fromModel(init)
	}
	ex := ds.examples
	order := make([]int32, len(ex))
	for i := range order {
		order[i] = int32(i)
	}
	// Every distinct line is one set of examples; a line the data repeats
	// counts as many times in the loss and in every accuracy.
	weight := make([]float32, len(ex))
	for i, e := range ex {
		weight[i] = float32(ds.lines[e.line].count)
	}

	stepsPerEpoch := (len(ex) + cfg.batch - 1) / cfg.batch
	total := stepsPerEpoch * cfg.epochs
	warm := min(200, total/20+1)
	lrAt := func(t int) float32 { // linear warm-up, then cosine to lrEnd
		if t < warm {
			return cfg.lr * float32(t+1) / float32(warm)
		}
		p := float64(t-warm) / float64(max(1, total-warm))
		end := float64(cfg.lrEnd)
		return cfg.lr * float32(end+float64((1-end)*halfCosine(p)))
	}
	alphaAt := func(t int) float32 { // progressive quantization
		ramp := cfg.qramp * float64(total)
		if init != nil || float64(t) >= ramp {
			return 1
		}
		return cfg.qstart + float32((1-cfg.qstart)*float32(float64(t)/ramp))
	}

	rows := make([]*rowState, cfg.batch)
	for i := range rows {
		rows[i] = newRowState(n)
	}
	classes := shape.Classes()
	rowLoss := make([]float64, cfg.batch)
	rowHit := make([]bool, cfg.batch)
	opt := adam{beta1: 0.9, beta2: 0.999, eps: 1e-8}
	// The optimizer phase hands out units of work, each the only writer of
	// its parameters: one weight row (an input's weights to all neurons of
	// a layer) or all the biases of a layer (r = -1).
	type unit struct{ l, r int }
	var units []unit
	for li, l := range n.layers {
		units = append(units, unit{li, -1})
		for r := 0; r < l.in; r++ {
			units = append(units, unit{li, r})
		}
	}
	// Per layer and input: the batch rows where that input is non-zero, with
	// its value; a weight row's gradient sums over these alone.
	type occurrence struct {
		b int32
		v float32
	}
	occ := make([][][]occurrence, len(n.layers))
	for li, l := range n.layers {
		occ[li] = make([][]occurrence, l.in)
	}
	n.alpha = alphaAt(0)
	n.requantizeAll()

	res := &result{}
	bestKey := [2]float64{-1, -1}
	t := 0
	for epoch := 1; epoch <= cfg.epochs && !res.stopped; epoch++ {
		start := time.Now()
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var lossSum, hitSum, wSum float64
		for s := 0; s < stepsPerEpoch; s++ {
			if ctx.Err() != nil {
				res.stopped = true
				break
			}
			batch := order[s*cfg.batch : min((s+1)*cfg.batch, len(order))]
			var bw float32
			for _, i := range batch {
				bw += weight[i]
			}

			// Phase 1, one goroutine per row: forward, loss, and the
			// gradient with respect to every accumulator of the row.
			parallel(cfg.workers, len(batch), 4, func(lo, hi int) {
				for b := lo; b < hi; b++ {
					e := &ex[batch[b]]
					r := rows[b]
					n.forward(e, r)
					z := r.act[len(r.act)-1]
					dz := r.dz(classes)
					ce := softmaxCE(z, int(e.target), cfg.temp, dz, e.allowed)
					w := weight[batch[b]] / bw
					for c := range dz {
						dz[c] *= w / cfg.temp
					}
					rowHit[b] = pickAllowed(z, e.allowed) == e.target
					// A row already learned, with a vanishing gradient and no
					// accumulator near overflow, skips the backward pass.
					r.skip = rowHit[b] && ce < cfg.skipCE && !n.nearOverflow(r, cfg.limit)
					pen := float32(0)
					if !r.skip {
						pen = n.backward(r, dz, lossConfig{limit: cfg.limit, penalty: cfg.penalty * w})
					}
					rowLoss[b] = float64(float64(w)*float64(ce)) + float64(pen)
				}
			})
			for b, i := range batch {
				lossSum += float64(rowLoss[b] * float64(bw))
				if rowHit[b] {
					hitSum += float64(weight[i])
				}
			}
			wSum += float64(bw)

			// Phase 2, one goroutine per weight row: its gradient summed
			// over the batch in row order, the AdamW step, the grid weights.
			t++
			opt.begin(t, lrAt(t-1))
			n.alpha = alphaAt(t)
			for li := range occ {
				for i := range occ[li] {
					occ[li][i] = occ[li][i][:0]
				}
			}
			for b := range batch {
				if rows[b].skip {
					continue
				}
				for li, in := range rows[b].in {
					for k, i := range in.idx {
						occ[li][i] = append(occ[li][i], occurrence{int32(b), in.val[k]})
					}
				}
			}
			parallel(cfg.workers, len(units), 8, func(lo, hi int) {
				for _, u := range units[lo:hi] {
					l := n.layers[u.l]
					if u.r < 0 { // the layer's biases
						g := l.gb
						clear(g)
						for b := range batch {
							if !rows[b].skip {
								axpy(l.bscale, rows[b].dacc[u.l], g)
							}
						}
						blim := 32768 / l.bscale
						opt.update(l.b, g, l.mb, l.vb, 0, -blim, blim)
						n.requantizeBias(l)
						continue
					}
					k := l.out
					row := l.gw[u.r*k : (u.r+1)*k]
					clear(row)
					for _, oc := range occ[u.l][u.r] {
						axpy(oc.v, rows[oc.b].dacc[u.l], row)
					}
					opt.update(l.w[u.r*k:(u.r+1)*k], row, l.mw[u.r*k:(u.r+1)*k], l.vw[u.r*k:(u.r+1)*k], cfg.decay, latentLo, latentHi)
					n.requantizeRows(l, u.r, u.r+1)
				}
			})
			if h.step != nil {
				h.step()
			}
		}
		if wSum == 0 { // stopped before the first step of this epoch
			break
		}

		// Measure: the float network as it trains, the integer network
		// (alpha = 1) through the same exact forward pass on every example,
		// and model.Next on a sample to prove the two integer paths agree.
		predF := predict(n, ds, cfg.workers)
		nq := n.quantized()
		predQ := predF
		if nq != n {
			predQ = predict(nq, ds, cfg.workers)
		}
		m := n.toModel(shape)
		sample := paritySample(ds, cfg.parity)
		predM := predictNext(m, ds, sample, cfg.workers)
		st := epochStats{epoch: epoch, loss: lossSum / wSum, trainAcc: 100 * hitSum / wSum,
			alpha: n.alpha, lr: lrAt(t - 1), paritySample: len(sample)}
		st.floatAcc, _ = score(ds, predF)
		st.intAcc, st.replyAcc = score(ds, predQ)
		for j, i := range sample {
			if predM[j] != predQ[i] {
				st.parityMiss++
			}
		}
		if len(cfg.val) > 0 {
			r := evalReplies(m, cfg.val, cfg.workers)
			st.valAcc = pct(r.good, r.lines)
		}
		charAcc, replyAcc := st.intAcc, st.replyAcc
		st.seconds = time.Since(start).Seconds()
		res.history = append(res.history, st)
		key := [2]float64{charAcc, replyAcc}
		better := key[0] > bestKey[0] || (key[0] == bestKey[0] && key[1] > bestKey[1])
		if better {
			bestKey = key
			res.best, res.bestStats = m, st
			if h.save != nil {
				if err := h.save(m, st); err != nil {
					return res, err
				}
			}
		}
		if h.epoch != nil {
			h.epoch(st, better)
		}
	}
	if res.best == nil {
		return res, fmt.Errorf("stopped before the first epoch ended: no model")
	}
	// The figures that count: model.Next on every example of the best model.
	res.nextIntAcc, res.nextReplyAcc = score(ds, predictNext(res.best, ds, nil, cfg.workers))
	res.state = n.digest()
	return res, nil
}

// dz returns the row's logit-gradient buffer.
func (r *rowState) dz(n int) []float32 {
	if len(r.dzb) != n {
		r.dzb = make([]float32, n)
	}
	return r.dzb
}

// softmaxCE returns the cross-entropy of softmax(z/temp) against target and
// writes p - onehot(target) into dz. When allowed is not nil, the softmax
// runs over the allowed classes only (the others cannot be printed at this
// step, so their outputs do not matter) and the others get no gradient.
func softmaxCE(z []float32, target int, temp float32, dz []float32, allowed []int32) float32 {
	if allowed == nil {
		allowed = everyClass[:len(z)]
	}
	mx := z[allowed[0]]
	for _, c := range allowed {
		mx = max(mx, z[c])
	}
	var sum float64
	clear(dz)
	for _, c := range allowed {
		e := exp(float64((z[c] - mx) / temp))
		dz[c] = float32(e)
		sum += e
	}
	for _, c := range allowed {
		dz[c] = float32(float64(dz[c]) / sum)
	}
	ce := -log(max(float64(dz[target]), 1e-30))
	dz[target] -= 1
	return float32(ce)
}

// everyClass lists the classes 0..255: all of them are allowed.
var everyClass = func() []int32 {
	c := make([]int32, 256)
	for i := range c {
		c[i] = int32(i)
	}
	return c
}()

// parallel calls fn on chunks of [0, n) from workers goroutines. Callers
// give every output element to exactly one chunk, computed in a fixed order,
// so the result does not depend on scheduling or on the worker count.
func parallel(workers, n, chunk int, fn func(lo, hi int)) {
	if workers <= 1 || n <= chunk {
		fn(0, n)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
}
