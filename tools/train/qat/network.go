package qat

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"

	"z80ulm/model"
)

// The training network computes, once quantization is complete (alpha = 1),
// exactly the integer network of model.Forward: inputs are counts times
// InputScale, weights are in {-2,-1,0,1}, biases are integers, every layer
// takes acc = sum(w*x) + b, wraps it to 16 bits, shifts it right with floor
// and applies ReLU on all but the last layer. There is no hidden scale to
// drop at export: the scales are folded into the latent parameters (a latent
// weight is in grid units, a latent bias in units of biasScale), so the float
// forward pass and the exported model are the same function. All values in
// the forward pass are integers below 2^24, which float32 holds exactly.
//
// Gradients use the straight-through estimator for rounding, floor and wrap:
// d round(w)/dw = 1, d floor(acc/2^s)/dacc = 2^-s. An overflow penalty keeps
// every accumulator inside the 16-bit range, where wrap is the identity.
//
// Every float operation happens in an order fixed by the code (kernels.go),
// so the same data, flags and seed give the same model bytes on every
// platform (docs/DESIGN.md, "Training").

const (
	wMin, wMax = -2, 1      // the 2-bit weight grid
	latentLo   = wMin - 0.5 // latent weights are clipped to where rounding
	latentHi   = wMax + 0.5 // still reaches the grid (STE window)
)

// layer stores its weights input-major: input i's weights to all neurons
// are the row w[i*out:(i+1)*out]. Inputs are mostly zero (the encoders fill
// a few dozen of 256 buckets, ReLU zeroes many activations), so the forward
// pass adds one row per non-zero input, and the gradient of a row sums only
// over the examples where that input is non-zero.
type layer struct {
	in, out int
	shift   uint8
	relu    bool
	bscale  float32   // a latent bias of 1 is worth bscale in the accumulator
	w, b    []float32 // latent weights (grid units) and biases
	qw, qb  []float32 // the weights and biases the forward pass uses
	mw, vw  []float32 // Adam moments
	mb, vb  []float32
	gw      []float32 // weight gradients, one buffer per row
	gb      []float32 // bias gradients
}

type network struct {
	layers []*layer
	alpha  float32 // quantization blend: 0 = latent float, 1 = integer grid
	frozen int     // layers [0, frozen) keep their weights (fine-tuning)
}

// newNetwork makes a network of m's shape with random latent weights.
func newNetwork(m *model.Model, rng *rand.Rand, biasScale, initRange float32) *network {
	n := &network{alpha: 1}
	for li, ml := range m.Layers {
		l := &layer{in: ml.In, out: ml.Out, shift: ml.Shift, relu: li != len(m.Layers)-1, bscale: biasScale}
		l.w = make([]float32, l.in*l.out)
		l.b = make([]float32, l.out)
		l.qw = make([]float32, len(l.w))
		l.qb = make([]float32, len(l.b))
		l.mw = make([]float32, len(l.w))
		l.vw = make([]float32, len(l.w))
		l.mb = make([]float32, len(l.b))
		l.vb = make([]float32, len(l.b))
		l.gw = make([]float32, len(l.w))
		l.gb = make([]float32, l.out)
		for i := range l.w {
			// Uniform over (-initRange, initRange): at 1.5 the grid values
			// -1, 0, 1 come about equally often; smaller ranges start with
			// more zero weights, which the Z80's index-list build skips.
			l.w[i] = float32(rng.Float64()*2-1) * initRange
		}
		n.layers = append(n.layers, l)
	}
	return n
}

// fromModel sets the latent parameters to a saved model's integers, so that
// training resumes from exactly the saved function.
func (n *network) fromModel(m *model.Model) {
	for li, l := range n.layers {
		ml := m.Layers[li]
		for k, w := range ml.W {
			l.w[l.at(k/ml.In, k%ml.In)] = float32(w)
		}
		for o, b := range ml.B {
			l.b[o] = float32(b) / l.bscale
		}
	}
}

func qweight(w float32) float32 {
	q := float32(math.Round(float64(w)))
	return min(max(q, wMin), wMax)
}

func qbias(b float32) float32 {
	q := float32(math.Round(float64(b)))
	return min(max(q, math.MinInt16), math.MaxInt16)
}

// at is the storage index of the weight from input i to neuron o.
func (l *layer) at(o, i int) int { return i*l.out + o }

// row is input i's weights (the forward ones) to all neurons.
func (l *layer) row(i int) []float32 { return l.qw[i*l.out : (i+1)*l.out] }

// blend is the forward value of a latent parameter: a of the way from the
// latent value to the grid value q. The products are rounded on their own
// (no fused multiply-add), the same on every platform.
func blend(a, q, latent float32) float32 {
	return float32(a*q) + float32((1-a)*latent)
}

// requantizeRows recomputes the forward weights of rows (inputs) [lo, hi).
func (n *network) requantizeRows(l *layer, lo, hi int) {
	a := n.alpha
	for i := lo * l.out; i < hi*l.out; i++ {
		l.qw[i] = blend(a, qweight(l.w[i]), l.w[i])
	}
}

// requantizeBias recomputes the forward biases of all neurons.
func (n *network) requantizeBias(l *layer) {
	a := n.alpha
	for o := range l.b {
		b := l.b[o] * l.bscale
		l.qb[o] = blend(a, qbias(b), b)
	}
}

func (n *network) requantizeAll() {
	for _, l := range n.layers {
		n.requantizeRows(l, 0, l.in)
		n.requantizeBias(l)
	}
}

// quantized returns a view of n with alpha = 1: the integer network in the
// float forward pass, sharing the latent parameters.
func (n *network) quantized() *network {
	if n.alpha == 1 {
		return n
	}
	q := &network{alpha: 1, frozen: n.frozen}
	for _, l := range n.layers {
		c := *l
		c.qw = make([]float32, len(l.qw))
		c.qb = make([]float32, len(l.qb))
		q.layers = append(q.layers, &c)
	}
	q.requantizeAll()
	return q
}

// toModel exports the integer network into a copy of shape m.
func (n *network) toModel(shape *model.Model) *model.Model {
	m := *shape
	m.Meta = map[string]string{}
	m.Layers = make([]model.Layer, len(n.layers))
	for li, l := range n.layers {
		ml := model.Layer{In: l.in, Out: l.out, Shift: l.shift,
			W: make([]int8, len(l.w)), B: make([]int16, l.out)}
		for k := range ml.W {
			ml.W[k] = int8(qweight(l.w[l.at(k/l.in, k%l.in)]))
		}
		for o, b := range l.b {
			ml.B[o] = int16(qbias(b * l.bscale))
		}
		m.Layers[li] = ml
	}
	return &m
}

// floor rounds toward minus infinity; x is within ±32768 after wrap16, so
// the int32 conversion (which truncates toward zero) cannot overflow.
func floor(x float32) float32 {
	t := float32(int32(x))
	if t > x {
		t--
	}
	return t
}

// wrap16 folds an accumulator into int16 range as the Z80's 16-bit adds do.
func wrap16(v float32) float32 {
	if v >= -32768 && v < 32768 {
		return v
	}
	return v - float32(65536*math.Floor((float64(v)+32768)/65536))
}

// sparse is a layer's input as its non-zero entries, in increasing index.
type sparse struct {
	idx []int32
	val []float32
}

// rowState holds one example's activations and gradients through the net.
type rowState struct {
	in   []sparse    // per layer: its non-zero inputs
	buf  []sparse    // per layer: where forward writes them (layers 1..)
	acc  [][]float32 // per layer: accumulator before wrap (for the penalty)
	act  [][]float32 // per layer: output after wrap, shift, ReLU
	dacc [][]float32 // per layer: d loss / d acc
	dzb  []float32   // d loss / d logits
	skip bool        // no backward pass: dacc is not valid
}

func newRowState(n *network) *rowState {
	r := &rowState{in: make([]sparse, len(n.layers)), buf: make([]sparse, len(n.layers))}
	for li, l := range n.layers {
		r.buf[li] = sparse{make([]int32, l.in), make([]float32, l.in)}
		r.acc = append(r.acc, make([]float32, l.out))
		r.act = append(r.act, make([]float32, l.out))
		r.dacc = append(r.dacc, make([]float32, l.out))
	}
	return r
}

// forward runs one example from layer start, whose non-zero inputs are in:
// the example's own for layer 0, or the output of the frozen layers, which
// never changes and is computed once. The last layer's act holds the logits.
func (n *network) forward(start int, in sparse, r *rowState) {
	r.in[start] = in
	for li := start; li < len(n.layers); li++ {
		l := n.layers[li]
		acc, act := r.acc[li], r.act[li]
		copy(acc, l.qb)
		in := r.in[li]
		for k, i := range in.idx {
			axpy(in.val[k], l.row(int(i)), acc)
		}
		inv := 1 / float32(int(1)<<l.shift) // exact: a power of two
		if !l.relu {
			for o, a := range acc {
				act[o] = floor(wrap16(a) * inv)
			}
			continue
		}
		// ReLU(floor(x)) is ReLU(trunc(x)): they differ only below zero.
		// The loop avoids branches on the sign, which is a coin toss: every
		// output is written to the next layer's sparse input, and the count
		// moves on past the non-zero ones.
		next := r.buf[li+1]
		idx, val := next.idx[:l.out], next.val[:l.out]
		k := 0
		for o, a := range acc {
			v := max(float32(int32(wrap16(a)*inv)), 0)
			act[o] = v
			idx[k], val[k] = int32(o), v
			if v != 0 {
				k++
			}
		}
		r.in[li+1] = sparse{idx[:k], val[:k]}
	}
}

// nearOverflow says whether any accumulator of the trained layers is
// beyond ±limit.
func (n *network) nearOverflow(r *rowState, limit float32) bool {
	for _, acc := range r.acc[n.frozen:] {
		for _, a := range acc {
			if a > limit || a < -limit {
				return true
			}
		}
	}
	return false
}

// lossConfig shapes the training objective.
type lossConfig struct {
	limit   float32 // accumulators beyond ±limit are penalised
	penalty float32 // weight of the overflow penalty
}

// backward computes d loss / d acc for every trained layer of one example,
// given the gradient of the loss with respect to the logits in dz (scaled by
// the example's weight). It returns the example's penalty.
func (n *network) backward(r *rowState, dz []float32, lc lossConfig) float32 {
	pen := float32(0)
	for li := len(n.layers) - 1; li >= n.frozen; li-- {
		l := n.layers[li]
		d := r.dacc[li]
		scale := 1 / float32(int(1)<<l.shift)
		if li == len(n.layers)-1 {
			for o := range d {
				d[o] = float32(dz[o] * scale)
			}
		} else {
			// d act(o) = the next layer's row o (o's weights to all its
			// neurons) times its dacc; act = ReLU(...), zero where acc <= 0.
			nl := n.layers[li+1]
			nd := r.dacc[li+1]
			for o, a := range r.acc[li] {
				d[o] = 0
				if a > 0 {
					d[o] = float32(dot(nl.row(o), nd) * scale)
				}
			}
		}
		// Keep accumulators inside ±limit: squared hinge, in units of limit.
		for o, a := range r.acc[li] {
			if a > lc.limit || a < -lc.limit {
				ex := (float32(math.Abs(float64(a))) - lc.limit) / lc.limit
				pen += float32(lc.penalty * ex * ex)
				g := 2 * lc.penalty * ex / lc.limit
				if a < 0 {
					g = -g
				}
				d[o] += g
			}
		}
	}
	return pen
}

// digest is the sha256 of every latent parameter and Adam moment, bit for
// bit.
func (n *network) digest() string {
	h := sha256.New()
	var buf [4]byte
	for _, l := range n.layers {
		for _, v := range [][]float32{l.w, l.b, l.mw, l.vw, l.mb, l.vb} {
			for _, x := range v {
				binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
				h.Write(buf[:])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
