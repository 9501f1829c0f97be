package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"

	"z80ulm/tools/gendata/knowledge"
)

// ollamaParaphraser asks a local LLM, through Ollama's chat API, for other
// ways a player could ask a question. It is optional: the shipped programs
// are built without it, so their data never depends on a model's mood.
type ollamaParaphraser struct {
	client *api.Client
	model  string
	seed   uint64
}

func newOllama(base, model string, seed uint64) (*ollamaParaphraser, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("-ollama %q: want a URL like http://localhost:11434", base)
	}
	hc := &http.Client{Timeout: 5 * time.Minute}
	return &ollamaParaphraser{client: api.NewClient(u, hc), model: model, seed: seed}, nil
}

const paraphraseSystem = "You help write training data for a tiny yes/no question answering program. " +
	"Answer with plain lines only: no numbering, no quotes, no explanations."

// Paraphrase returns up to n rephrasings of question, lower-cased, one
// short line each, with the same meaning. Temperature 0 and a fixed seed
// make a given server and model answer the same way every time.
func (o *ollamaParaphraser) Paraphrase(question string, n int) ([]string, error) {
	stream := false
	req := &api.ChatRequest{
		Model: o.model,
		Messages: []api.Message{
			{Role: "system", Content: paraphraseSystem},
			{Role: "user", Content: fmt.Sprintf(
				"Write %d different short ways a person could type this question, keeping its exact meaning: %q. "+
					"One per line, lower case, at most 60 characters each.", n, question)},
		},
		Stream:  &stream,
		Options: map[string]any{"temperature": 0, "seed": o.seed},
	}
	var text strings.Builder
	err := o.client.Chat(context.Background(), req, func(r api.ChatResponse) error {
		text.WriteString(r.Message.Content)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return paraphraseLines(text.String(), n), nil
}

// paraphraseLines picks the usable lines of an LLM's reply: list markers,
// numbering, quotes and end punctuation removed, empty and overlong lines dropped, at most n.
func paraphraseLines(reply string, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(reply, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimLeft(l, "-*•0123456789.) \t")
		l = strings.Trim(l, "\"'` ")
		l = knowledge.HeldoutKey(l) // "x?" and "x" are one question
		if l == "" || len(l) > 60 || strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r > 0x7e }) || seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
		if len(out) == n {
			break
		}
	}
	return out
}
