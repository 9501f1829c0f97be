// Command teach teaches GUESS a new secret from a sheet: it generates the
// secret's training lines from the question bank, fine-tunes the model of
// the shipped secret that answers most like it, and writes the standalone
// program and the model file GUESS.COM plays (docs/DESIGN.md, "Teaching a
// new secret"). The browser's teach panel runs the same lesson and gives
// the same bytes for the same sheet and seed.
//
//	go run ./tools/teach -sheet giraffe.txt -o GIRAFFE.COM
//	go run ./tools/teach -sheet giraffe.txt -o GIRAFFE.COM -mdl GIRAFFE.MDL -heldout far.txt
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"z80ulm/model"
	"z80ulm/tools/teach/lesson"
	"z80ulm/tools/train/qat"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "teach:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("teach", flag.ContinueOnError)
	fs.SetOutput(stderr)
	plan := lesson.DefaultPlan()
	sheet := fs.String("sheet", "", "the secret's sheet `file` (the format of assets/guess/secrets/*.txt)")
	out := fs.String("o", "", "standalone program `file` to write (default NAME.COM)")
	mdl := fs.String("mdl", "", "model file for GUESS.COM to write (default NAME.MDL beside -o)")
	modelOut := fs.String("model", "", "also write the trained model `file` (tools/train's format)")
	assetsDir := fs.String("assets", "assets", "the assets `directory`: guess/bank.txt, guess/secrets/*.txt, guess/models/*.model")
	heldout := fs.String("heldout", "", "held-out `file` of question|ANSWER lines: report the new secret's accuracy on it")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Uint64Var(&plan.Seed, "seed", plan.Seed, "random seed (data sample, held-out split, training order)")
	fs.IntVar(&plan.Lines, "lines", plan.Lines, "generated lines to train on")
	fs.IntVar(&plan.Epochs, "epochs", plan.Epochs, "epochs at most (training stops when the held-out lines stop improving)")
	fs.IntVar(&plan.Workers, "workers", plan.Workers, "goroutines (the bytes do not depend on it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sheet == "" || fs.NArg() > 0 {
		return errors.New("give -sheet FILE (and no other arguments)")
	}
	text, err := os.ReadFile(*sheet)
	if err != nil {
		return err
	}
	var test []model.Pair
	if *heldout != "" {
		ps, problems := model.ReadPairFiles(*heldout)
		if len(problems) > 0 {
			return model.JoinProblems(problems)
		}
		test = ps
	}
	shelf, err := lesson.ShippedShelf(os.DirFS(*assetsDir))
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var bar *progressbar.ProgressBar
	phase := ""
	res, err := lesson.Teach(ctx, shelf, string(text), *sheet, plan, func(p lesson.Progress) {
		if *quiet {
			return
		}
		if p.Phase != phase {
			if bar != nil {
				bar.Finish()
				fmt.Fprintln(stderr)
				bar = nil
			}
			phase = p.Phase
			if p.Phase != lesson.PhaseTrain {
				fmt.Fprintf(stderr, "%s...\n", p.Phase)
			}
		}
		if p.Phase == lesson.PhaseTrain {
			if bar == nil {
				bar = progressbar.NewOptions(p.Total, progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription("training"), progressbar.OptionShowCount(),
					progressbar.OptionSetPredictTime(true), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200e6))
			}
			bar.ChangeMax(p.Total)
			bar.Set(p.Done)
			bar.Describe(fmt.Sprintf("training, epoch %d, held-out %.1f%%", p.Epoch, p.DevAcc))
		}
	})
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(stderr)
	}
	var se *lesson.SheetError
	if errors.As(err, &se) {
		return fmt.Errorf("the sheet cannot be taught:\n%v", se)
	}
	if err != nil {
		return err
	}

	if *out == "" {
		*out = res.Secret + ".COM"
	}
	if *mdl == "" {
		*mdl = filepath.Join(filepath.Dir(*out), res.Secret+".MDL")
	}
	if err := os.WriteFile(*mdl, res.MDL, 0o644); err != nil {
		return err
	}
	wrote := fmt.Sprintf("%s (%d bytes) and %s (%d bytes)", *out, len(res.COM), *mdl, len(res.MDL))
	if res.COM == nil {
		fmt.Fprintf(stderr, "teach: %s\n", res.NoCOM)
		wrote = fmt.Sprintf("%s (%d bytes; GUESS @%s plays it)", *mdl, len(res.MDL), res.Secret)
	} else if err := os.WriteFile(*out, res.COM, 0o644); err != nil {
		return err
	}
	if *modelOut != "" {
		if err := model.WriteFile(*modelOut, res.Model); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %s, from %s's model, %d of %d generated lines in %d epochs, held-out %.2f%%, %s\n",
		res.Secret, wrote, res.Base, res.Lines, res.Generated, res.Epochs, res.DevAcc,
		time.Duration(res.Seconds*float64(time.Second)).Round(time.Second))
	if test != nil {
		r := qat.EvalReplies(res.Model, test, plan.Workers)
		fmt.Fprintf(stdout, "%s: %d/%d = %.2f%% exact replies\n", *heldout, r.Good, r.Lines, r.Percent())
		if len(r.Wrong) > 0 {
			fmt.Fprintf(stdout, "  %s\n", strings.Join(r.Wrong, "\n  "))
		}
	}
	return nil
}
