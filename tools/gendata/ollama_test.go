package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ollama/ollama/api"

	"z80ulm/tools/gendata/knowledge"
)

// fakeOllama speaks Ollama's /api/chat (non-streaming: one JSON object) and
// answers from a table keyed by the question in the prompt.
func fakeOllama(t *testing.T, answers map[string]string) (*httptest.Server, *[]api.ChatRequest) {
	var mu sync.Mutex
	var reqs []api.ChatRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/chat" {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		var req api.ChatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
			return
		}
		mu.Lock()
		reqs = append(reqs, req)
		mu.Unlock()
		if req.Model != "tiny" {
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"error": "model \"" + req.Model + "\" not found, try pulling it first"})
			return
		}
		reply := ""
		for q, a := range answers {
			if strings.Contains(req.Messages[len(req.Messages)-1].Content, q) {
				reply = a
			}
		}
		json.NewEncoder(w).Encode(api.ChatResponse{Model: req.Model,
			Message: api.Message{Role: "assistant", Content: reply}, Done: true})
	}))
	t.Cleanup(srv.Close)
	return srv, &reqs
}

func TestOllamaParaphrases(t *testing.T) {
	srv, reqs := fakeOllama(t, map[string]string{
		`"is it big"`:   "1. Is it large?\n2. is it huge\n3. is it small", // "is it small" is NO in the file
		`"is it small"`: "- is it tiny\n- is it large",                    // "is it large" now claimed twice
	})
	o, err := newOllama(srv.URL, "tiny", 5)
	if err != nil {
		t.Fatal(err)
	}
	kn := parseKnowledge(t, "template is: is it {}\nis YES: big\nis NO: small\n")
	lines, st, errs := knowledge.Generate(kn, knowledge.Options{Seed: 1, Typos: 0, Patterns: -1, Paraphrase: o.Paraphrase, Paraphrases: 3})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.String())
	}
	want := []string{"is it big|YES", "is it small|NO", "is it huge|YES", "is it tiny|NO"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	if st.LLM != 2 || st.DroppedAmbiguous != 2 {
		t.Errorf("stats %+v", st)
	}
	if len(*reqs) != 2 {
		t.Fatalf("%d requests", len(*reqs))
	}
	r := (*reqs)[0]
	if r.Stream == nil || *r.Stream || r.Options["temperature"] != float64(0) || r.Options["seed"] != float64(5) ||
		len(r.Messages) != 2 || r.Messages[0].Role != "system" || !strings.Contains(r.Messages[1].Content, "Write 3 ") {
		t.Errorf("request %+v", r)
	}
	for _, l := range lines[2:] {
		if l.Origin != knowledge.FromLLM {
			t.Errorf("%q origin %v", l.Input, l.Origin)
		}
	}
}

func TestOllamaErrors(t *testing.T) {
	srv, _ := fakeOllama(t, nil)
	o, _ := newOllama(srv.URL, "missing", 1)
	kn := parseKnowledge(t, "template is: is it {}\nis YES: big\n")
	_, _, errs := knowledge.Generate(kn, knowledge.Options{Typos: 0, Patterns: -1, Paraphrase: o.Paraphrase, Paraphrases: 2})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `k.txt:2: paraphrasing "is it big"`) ||
		!strings.Contains(errs[0].Error(), "not found") {
		t.Errorf("errors %v", errs)
	}
	if _, err := newOllama("localhost:11434", "x", 1); err == nil {
		t.Error("a URL without scheme was accepted")
	}
}

func TestParaphraseLines(t *testing.T) {
	got := paraphraseLines("Here you go\n1. Is it living?\n2) \"is it a living thing\"\n- IS IT ALIVE \n* is it living?\n\n"+strings.Repeat("x", 70), 10)
	want := []string{"here you go", "is it living", "is it a living thing", "is it alive"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	if got := paraphraseLines("a\nb\nc", 2); len(got) != 2 {
		t.Errorf("limit: %q", got)
	}
}

func parseKnowledge(t *testing.T, text string) *knowledge.Knowledge {
	t.Helper()
	kn, errs := knowledge.Parse(strings.NewReader(text), "k.txt")
	if len(errs) > 0 {
		t.Fatalf("unexpected problems: %v", errs)
	}
	return kn
}
