package qat

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"z80ulm/model"
)

// trainer is one run between steps: the network, the optimizer, the
// schedules and the buffers every step reuses.
type trainer struct {
	cfg   Config
	ds    *Dataset
	shape *model.Model
	n     *network
	opt   adam
	rng   *rand.Rand

	order  []int32   // the examples in this epoch's order
	weight []float32 // per example: how many times the data has its line

	stepsPerEpoch, total int // optimizer steps
	t                    int // steps taken
	warm                 int // warm-up steps of the learning rate
	ramp                 float64
	resumed              bool // started from a model: fully quantized at once

	frozenOut []sparse // per example: the frozen layers' output (Freeze > 0)
	measured  evalSet  // the lines measured after each epoch

	rows    []*rowState // one per batch row
	rowLoss []float64
	rowHit  []bool
	units   []unit
	occ     [][][]occurrence // per layer and input: batch rows where it is non-zero
}

// unit is the optimizer's share of work with one writer: the weight row of
// input r of layer l (an input's weights to all neurons), or all the biases
// of layer l (r = -1).
type unit struct{ l, r int }

// occurrence is a batch row where an input is non-zero, with its value.
type occurrence struct {
	b int32
	v float32
}

func newTrainer(cfg Config, ds *Dataset, shape, init *model.Model) *trainer {
	tr := &trainer{cfg: cfg, ds: ds, shape: shape, resumed: init != nil,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x5a80)),
		opt: adam{beta1: 0.9, beta2: 0.999, eps: 1e-8}}
	tr.n = newNetwork(shape, tr.rng, cfg.BiasScale, cfg.InitRange)
	if init != nil {
		tr.n.fromModel(init)
	}
	tr.n.frozen = cfg.Freeze
	ex := ds.examples
	tr.order = make([]int32, len(ex))
	tr.weight = make([]float32, len(ex))
	for i, e := range ex {
		tr.order[i] = int32(i)
		// Every distinct line is one set of examples; a line the data
		// repeats counts as many times in the loss and in every accuracy.
		tr.weight[i] = float32(ds.lines[e.line].count)
	}
	tr.stepsPerEpoch = (len(ex) + cfg.Batch - 1) / cfg.Batch
	tr.total = tr.stepsPerEpoch * cfg.Epochs
	tr.warm = min(200, tr.total/20+1)
	tr.ramp = cfg.QRamp * float64(tr.total)

	tr.rows = make([]*rowState, cfg.Batch)
	for i := range tr.rows {
		tr.rows[i] = newRowState(tr.n)
	}
	tr.rowLoss = make([]float64, cfg.Batch)
	tr.rowHit = make([]bool, cfg.Batch)
	tr.occ = make([][][]occurrence, len(tr.n.layers))
	for li, l := range tr.n.layers {
		if li < cfg.Freeze {
			continue
		}
		tr.units = append(tr.units, unit{li, -1})
		for r := 0; r < l.in; r++ {
			tr.units = append(tr.units, unit{li, r})
		}
		tr.occ[li] = make([][]occurrence, l.in)
	}
	tr.n.alpha = tr.alphaAt(0)
	tr.n.requantizeAll()
	tr.measured = measuredSet(ds, cfg.Measure)
	if cfg.Freeze > 0 {
		// The frozen layers' output never changes (a run that starts from a
		// model is fully quantized at once): compute it once per example.
		tr.frozenOut = make([]sparse, len(ex))
		r := newRowState(tr.n)
		for i := range ex {
			tr.n.forward(0, ex[i].in, r)
			out := r.in[cfg.Freeze]
			tr.frozenOut[i] = sparse{append([]int32(nil), out.idx...), append([]float32(nil), out.val...)}
		}
	}
	return tr
}

// input is example i's input to the first trained layer.
func (tr *trainer) input(i int) sparse {
	if tr.frozenOut != nil {
		return tr.frozenOut[i]
	}
	return tr.ds.examples[i].in
}

// lrAt is the learning rate of step t (0-based): a linear warm-up, then a
// cosine decay to LREnd * LR.
func (tr *trainer) lrAt(t int) float32 {
	lr := tr.cfg.LR
	if t < tr.warm {
		return lr * float32(t+1) / float32(tr.warm)
	}
	p := float64(t-tr.warm) / float64(max(1, tr.total-tr.warm))
	end := float64(tr.cfg.LREnd)
	return lr * float32(end+float64((1-end)*halfCosine(p)))
}

// alphaAt is the quantization blend after t steps: from QStart up to 1 over
// the first QRamp of the run (progressive quantization), then 1. A run that
// starts from a model is fully quantized from the first step.
func (tr *trainer) alphaAt(t int) float32 {
	if tr.resumed || float64(t) >= tr.ramp {
		return 1
	}
	q := tr.cfg.QStart
	return q + float32((1-q)*float32(float64(t)/tr.ramp))
}

// shuffle puts the examples in this epoch's order.
func (tr *trainer) shuffle() {
	o := tr.order
	tr.rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
}

// stepSums adds up what the steps of an epoch saw.
type stepSums struct{ loss, hits, weight float64 }

func (s *stepSums) add(o stepSums) {
	s.loss += o.loss
	s.hits += o.hits
	s.weight += o.weight
}

// step trains on the k-th batch of the epoch's order.
func (tr *trainer) step(k int) stepSums {
	b := tr.cfg.Batch
	batch := tr.order[k*b : min((k+1)*b, len(tr.order))]
	sums := tr.forwardBackward(batch)
	tr.update(batch)
	return sums
}

// forwardBackward is the first phase, one goroutine per batch row: forward,
// loss, and the gradient with respect to every accumulator of the row.
func (tr *trainer) forwardBackward(batch []int32) stepSums {
	cfg, ex, n := tr.cfg, tr.ds.examples, tr.n
	var bw float32
	for _, i := range batch {
		bw += tr.weight[i]
	}
	classes := tr.shape.Classes()
	parallel(cfg.Workers, len(batch), 4, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			e := &ex[batch[b]]
			r := tr.rows[b]
			n.forward(n.frozen, tr.input(int(batch[b])), r)
			z := r.act[len(r.act)-1]
			dz := r.dz(classes)
			ce := softmaxCE(z, int(e.target), cfg.Temp, dz, e.allowed)
			w := tr.weight[batch[b]] / bw
			for c := range dz {
				dz[c] *= w / cfg.Temp
			}
			tr.rowHit[b] = pickAllowed(z, e.allowed) == e.target
			// A row already learned, with a vanishing gradient and no
			// accumulator near overflow, skips the backward pass.
			r.skip = tr.rowHit[b] && ce < cfg.SkipCE && !n.nearOverflow(r, cfg.Limit)
			pen := float32(0)
			if !r.skip {
				pen = n.backward(r, dz, lossConfig{limit: cfg.Limit, penalty: cfg.Penalty * w})
			}
			tr.rowLoss[b] = float64(float64(w)*float64(ce)) + float64(pen)
		}
	})
	var s stepSums
	for b, i := range batch {
		s.loss += float64(tr.rowLoss[b] * float64(bw))
		if tr.rowHit[b] {
			s.hits += float64(tr.weight[i])
		}
	}
	s.weight = float64(bw)
	return s
}

// update is the second phase, one goroutine per unit: the gradient of a
// weight row (or of a layer's biases) summed over the batch in row order,
// the AdamW step, and the new forward weights.
func (tr *trainer) update(batch []int32) {
	n := tr.n
	tr.t++
	tr.opt.begin(tr.t, tr.lrAt(tr.t-1))
	n.alpha = tr.alphaAt(tr.t)
	for li := range tr.occ {
		for i := range tr.occ[li] {
			tr.occ[li][i] = tr.occ[li][i][:0]
		}
	}
	for b := range batch {
		if tr.rows[b].skip {
			continue
		}
		for li, in := range tr.rows[b].in {
			if li < n.frozen {
				continue
			}
			for k, i := range in.idx {
				tr.occ[li][i] = append(tr.occ[li][i], occurrence{int32(b), in.val[k]})
			}
		}
	}
	parallel(tr.cfg.Workers, len(tr.units), 8, func(lo, hi int) {
		for _, u := range tr.units[lo:hi] {
			l := n.layers[u.l]
			if u.r < 0 { // the layer's biases
				g := l.gb
				clear(g)
				for b := range batch {
					if !tr.rows[b].skip {
						axpy(l.bscale, tr.rows[b].dacc[u.l], g)
					}
				}
				blim := 32768 / l.bscale
				tr.opt.update(l.b, g, l.mb, l.vb, 0, -blim, blim)
				n.requantizeBias(l)
				continue
			}
			k := l.out
			row := l.gw[u.r*k : (u.r+1)*k]
			clear(row)
			for _, oc := range tr.occ[u.l][u.r] {
				axpy(oc.v, tr.rows[oc.b].dacc[u.l], row)
			}
			tr.opt.update(l.w[u.r*k:(u.r+1)*k], row, l.mw[u.r*k:(u.r+1)*k], l.vw[u.r*k:(u.r+1)*k], tr.cfg.Decay, latentLo, latentHi)
			n.requantizeRows(l, u.r, u.r+1)
		}
	})
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
