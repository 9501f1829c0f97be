package qat

import (
	"fmt"
	"strings"

	"z80ulm/model"
)

// Shape is an untrained model of the wanted hidden sizes for the data: its
// charset holds the characters of the replies, and the data's distinct
// replies are its allowed replies (constrained decoding) when a model file
// can hold that many.
func Shape(pairs []model.Pair, hidden []int) *model.Model {
	rs := Responses(pairs)
	m := model.New(model.BuildCharset(rs), hidden)
	if len(rs) <= model.MaxReplies {
		m.Replies = rs
	}
	return m
}

// Resume checks that init, a model to start from, fits shape (the layer
// sizes, the encoders, a charset that holds the data's characters) and
// returns the shape to train: init's charset (its output layer) with
// shape's allowed replies.
func Resume(init, shape *model.Model) (*model.Model, error) {
	if err := sameShape(init, shape); err != nil {
		return nil, err
	}
	m := model.New(init.Charset, Hidden(shape))
	m.Replies = shape.Replies
	return m, nil
}

// sameShape says why a model to resume does not fit the data and flags.
func sameShape(m, want *model.Model) error {
	if len(m.Layers) != len(want.Layers) || m.Inputs() != want.Inputs() {
		return fmt.Errorf("has %d layers on %d inputs, -hidden asks for %d layers on %d", len(m.Layers), m.Inputs(), len(want.Layers), want.Inputs())
	}
	for i := range m.Layers[:len(m.Layers)-1] {
		if m.Layers[i].Out != want.Layers[i].Out {
			return fmt.Errorf("layer %d has %d neurons, -hidden asks for %d", i+1, m.Layers[i].Out, want.Layers[i].Out)
		}
	}
	for i := 0; i < len(want.Charset); i++ {
		if !strings.Contains(m.Charset, want.Charset[i:i+1]) {
			return fmt.Errorf("charset %q lacks %q, which the data uses", m.Charset, want.Charset[i])
		}
	}
	if m.QueryBuckets != want.QueryBuckets || m.ContextBuckets != want.ContextBuckets || m.InputScale != want.InputScale {
		return fmt.Errorf("encoder settings differ from the trainer's")
	}
	return nil
}

// Hidden is a model's hidden layer sizes.
func Hidden(m *model.Model) []int {
	hs := make([]int, 0, len(m.Layers)-1)
	for _, l := range m.Layers[:len(m.Layers)-1] {
		hs = append(hs, l.Out)
	}
	return hs
}
