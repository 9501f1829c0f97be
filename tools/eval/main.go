// Command eval runs a held-out question set through a CP/M program in the
// emulator (chat mode, one question per input line) and prints how many
// replies are exactly the expected ones.
//
//	go run ./tools/eval -com assets/CHAT.COM -data assets/chat/heldout.txt -model assets/chat/chat.model -min 90
//	go run ./tools/eval guess -com assets/GUESS.COM -sets far,near    # GUESS, per secret (guess.go)
//	go run ./tools/eval chat ...                                      # CHAT (chat.go)
//
// With -model it also checks every reply against model.Generate (the
// program must be the model's exact twin). With -min it fails when the
// accuracy is below that many percent.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"z80ulm/model"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "chat" { // CHAT's evaluation: chat.go
		if err := chatMain(os.Args[2:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "eval chat:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "guess" { // GUESS's evaluation: guess.go
		if err := guessMain(os.Args[2:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "eval guess:", err)
			os.Exit(1)
		}
		return
	}
	com := flag.String("com", "", "the CP/M program (.COM)")
	data := flag.String("data", "", "held-out questions: input|expected lines")
	modelPath := flag.String("model", "", "the program's model: check every reply against model.Generate")
	minAcc := flag.Float64("min", 0, "fail when fewer than this many percent are right")
	quiet := flag.Bool("q", false, "no progress bar")
	flag.Parse()
	if *com == "" || *data == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: eval -com PROGRAM.COM -data HELDOUT.txt [-model M] [-min PERCENT]")
		os.Exit(2)
	}
	if err := run(*com, *data, *modelPath, *minAcc, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

func run(comPath, data, modelPath string, minAcc float64, quiet bool) error {
	com, err := os.ReadFile(comPath)
	if err != nil {
		return err
	}
	pairs, problems := model.ReadPairFiles(data)
	if len(problems) > 0 {
		return problems[0]
	}
	if len(pairs) == 0 {
		return fmt.Errorf("%s: no questions", data)
	}
	var progress func(int)
	if !quiet {
		bar := progressbar.NewOptions(len(pairs), progressbar.OptionSetDescription(filepath.Base(comPath)),
			progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		progress = func(done int) { bar.Set(done) }
	}
	r, err := Evaluate(com, pairs, progress)
	if err != nil {
		return fmt.Errorf("%s: %v", comPath, err)
	}
	r.Print(os.Stdout, fmt.Sprintf("%s on %s", filepath.Base(comPath), data))
	if modelPath != "" {
		m, err := model.ReadFile(modelPath)
		if err != nil {
			return err
		}
		for _, o := range r.Outcomes {
			if want := m.Generate(o.Input); want != o.Got {
				return fmt.Errorf("%s:%d: %q: the program answered %q but %s gives %q", o.File, o.Line, o.Input, o.Got, modelPath, want)
			}
		}
		fmt.Printf("  every reply equals model.Generate of %s\n", modelPath)
	}
	if r.Accuracy() < minAcc {
		return fmt.Errorf("%s: %.1f%% right, below -min %.1f%%", comPath, r.Accuracy(), minAcc)
	}
	return nil
}
