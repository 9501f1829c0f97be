// Package model is the μLM: a character-level network with 2-bit weights
// whose integer inference is defined bit-exactly here. The Z80 code that
// tools/pack generates must give the same reply as Generate for every query.
//
// The numerics (docs/DESIGN.md, "2. The model, exactly"):
//   - inputs 0..QueryBuckets-1: trigram counts of " query " (lower-cased,
//     leading spaces dropped, at most MaxQuery characters), inputs
//     QueryBuckets..: 1-,2-,3-gram counts of the last 8 generated
//     characters; every count is multiplied by InputScale;
//   - each layer: acc = sum(w*x) + bias in 16-bit two's complement (wraps),
//     then arithmetic shift right by Shift, then ReLU on all but the last;
//   - greedy argmax (first maximum wins), over the classes that continue an
//     allowed reply when the model has a list of them; stop at EOS or
//     MaxReply characters.
package model

import "fmt"

// Defaults of the anchor's family.
const (
	DefaultBuckets    = 128 // query buckets and context buckets each
	DefaultInputScale = 32  // one n-gram count is worth 32 on the Z80
	DefaultShift      = 2   // acc >> 2 after every layer
	DefaultMaxReply   = 50  // characters per reply at most
	ContextLen        = 8   // generated characters the context encoder sees
	MaxNgram          = 3   // context n-grams of length 1..MaxNgram
)

// Model is a complete network plus what the encoders need.
type Model struct {
	// Charset holds the printable output characters, upper case, in output
	// order. The end-of-sequence class is implicit: index len(Charset).
	Charset string

	QueryBuckets   int   // inputs [0, QueryBuckets) from the query
	ContextBuckets int   // inputs [QueryBuckets, QueryBuckets+ContextBuckets)
	InputScale     int16 // value of one n-gram count
	MaxReply       int   // reply length limit

	Layers []Layer

	// Replies, when not empty, are the only replies Generate may give
	// (replies.go). Model files of version 1 have none.
	Replies []string

	// Meta is free-form provenance: training data hash, seed, accuracy,
	// the secret's name. Sorted by key when written.
	Meta map[string]string
}

// Layer is one fully connected layer with 2-bit weights.
type Layer struct {
	In, Out int
	W       []int8  // Out*In, row-major (neuron o, input i at W[o*In+i]); values -2..1
	B       []int16 // Out biases
	Shift   uint8   // arithmetic right shift after the bias
}

// New returns a model of the default family with zero weights: hidden is the
// list of hidden sizes (default 256,192,128), charset the output characters.
func New(charset string, hidden []int) *Model {
	m := &Model{
		Charset:        charset,
		QueryBuckets:   DefaultBuckets,
		ContextBuckets: DefaultBuckets,
		InputScale:     DefaultInputScale,
		MaxReply:       DefaultMaxReply,
		Meta:           map[string]string{},
	}
	in := m.Inputs()
	sizes := append(append([]int{}, hidden...), m.Classes())
	for _, out := range sizes {
		m.Layers = append(m.Layers, Layer{In: in, Out: out,
			W: make([]int8, in*out), B: make([]int16, out), Shift: DefaultShift})
		in = out
	}
	return m
}

// Inputs is the width of the first layer.
func (m *Model) Inputs() int { return m.QueryBuckets + m.ContextBuckets }

// Classes is the number of outputs: the charset plus EOS.
func (m *Model) Classes() int { return len(m.Charset) + 1 }

// EOS is the index of the end-of-sequence class.
func (m *Model) EOS() int { return len(m.Charset) }

// Validate checks shapes, weight range and the charset.
func (m *Model) Validate() error {
	if len(m.Layers) == 0 {
		return fmt.Errorf("model: no layers")
	}
	if m.QueryBuckets < 1 || m.ContextBuckets < 1 || m.Inputs() > 256 {
		return fmt.Errorf("model: %d query + %d context buckets: need 1.. each, 256 in all at most", m.QueryBuckets, m.ContextBuckets)
	}
	if m.MaxReply < 1 || m.MaxReply > 255 {
		return fmt.Errorf("model: reply limit %d outside 1..255", m.MaxReply)
	}
	if len(m.Charset) < 1 {
		return fmt.Errorf("model: empty charset")
	}
	for i := 0; i < len(m.Charset); i++ {
		c := m.Charset[i]
		if c < 0x20 || c > 0x7e || c == '$' || (c >= 'a' && c <= 'z') {
			return fmt.Errorf("model: charset entry %d is %q: only printable ASCII except '$' and lower case", i, c)
		}
		for j := 0; j < i; j++ {
			if m.Charset[j] == c {
				return fmt.Errorf("model: charset has %q twice", c)
			}
		}
	}
	in := m.Inputs()
	for li, l := range m.Layers {
		if l.In != in {
			return fmt.Errorf("model: layer %d has %d inputs, previous layer gives %d", li+1, l.In, in)
		}
		if l.Out < 1 || l.Out > 256 {
			return fmt.Errorf("model: layer %d has %d neurons: need 1..256", li+1, l.Out)
		}
		if len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			return fmt.Errorf("model: layer %d: %d weights and %d biases for %dx%d", li+1, len(l.W), len(l.B), l.Out, l.In)
		}
		if l.Shift > 15 {
			return fmt.Errorf("model: layer %d: shift %d > 15", li+1, l.Shift)
		}
		for k, w := range l.W {
			if w < -2 || w > 1 {
				return fmt.Errorf("model: layer %d neuron %d input %d: weight %d outside -2..1", li+1, k/l.In, k%l.In, w)
			}
		}
		in = l.Out
	}
	if in != m.Classes() {
		return fmt.Errorf("model: last layer has %d outputs, charset needs %d (with EOS)", in, m.Classes())
	}
	return m.validateReplies()
}
