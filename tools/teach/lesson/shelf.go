package lesson

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/gendata/secret"
)

// Where the shipped shelf lies in the assets directory (assets.Shelf
// embeds it for the browser; tools/teach reads it from the disk).
const (
	ShippedBank   = "guess/bank.txt"
	ShippedSheets = "guess/secrets"
	ShippedModels = "guess/models"
)

// ShippedShelf reads the shipped shelf from the assets directory fsys.
func ShippedShelf(fsys fs.FS) (*Shelf, error) {
	return LoadShelf(fsys, ShippedBank, ShippedSheets, ShippedModels)
}

// LoadShelf reads a shelf from fsys: the question bank at bank, the sheets
// (*.txt) in the directory sheets, and the trained models (*.model) in the
// directory models, each matched to its sheet by its "secret" metadata. A
// sheet without a model is left off the shelf's starting points but its
// names still count as wrong guesses; a model without a sheet is an error.
func LoadShelf(fsys fs.FS, bank, sheets, models string) (*Shelf, error) {
	text, err := fs.ReadFile(fsys, bank)
	if err != nil {
		return nil, err
	}
	b, errs := secret.ParseBank(bytes.NewReader(text), bank)
	if len(errs) > 0 {
		return nil, &SheetError{errs}
	}
	s := &Shelf{Bank: b}
	names, err := fs.Glob(fsys, path.Join(sheets, "*.txt"))
	if err != nil {
		return nil, err
	}
	bySecret := map[string]int{}
	for _, n := range names {
		text, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		sh, errs := secret.ParseSheet(bytes.NewReader(text), n, b)
		if len(errs) > 0 {
			return nil, &SheetError{errs}
		}
		bySecret[sh.Secret] = len(s.Shipped)
		s.Shipped = append(s.Shipped, Shipped{Sheet: sh})
	}
	files, err := fs.Glob(fsys, path.Join(models, "*.model"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m, err := model.Unmarshal(data, f)
		if err != nil {
			return nil, err
		}
		name := strings.ToUpper(m.Meta["secret"])
		i, ok := bySecret[name]
		if !ok {
			return nil, fmt.Errorf("%s: secret %q has no sheet in %s", f, name, sheets)
		}
		s.Shipped[i].Model = m
	}
	sort.Slice(s.Shipped, func(i, j int) bool { return s.Shipped[i].Sheet.Secret < s.Shipped[j].Sheet.Secret })
	return s, nil
}

// Prefill gives, per category of the shipped secrets, each attribute's
// commonest answer among that category's secrets (on a tie MAYBE, then NO):
// where the teach form starts when a category is picked.
func (s *Shelf) Prefill() map[string]map[string]string {
	counts := map[string]map[string]map[string]int{} // category -> attribute -> answer -> secrets
	for _, o := range s.Shipped {
		c := counts[o.Sheet.Category]
		if c == nil {
			c = map[string]map[string]int{}
			counts[o.Sheet.Category] = c
		}
		for attr, a := range o.Sheet.Answers {
			if c[attr] == nil {
				c[attr] = map[string]int{}
			}
			c[attr][a.Answer]++
		}
	}
	out := map[string]map[string]string{}
	for cat, attrs := range counts {
		out[cat] = map[string]string{}
		for attr, n := range attrs {
			best := ""
			for _, a := range []string{"MAYBE", "NO", "YES"} {
				if best == "" || n[a] > n[best] {
					best = a
				}
			}
			out[cat][attr] = best
		}
	}
	return out
}
