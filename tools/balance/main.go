// Command balance counts the reply classes of training lines, resamples
// them to a target per class and checks that no class dominates.
//
//	go run ./tools/balance assets/guess/train/ELEPHANT.txt         # counts
//	go run ./tools/balance -per-class max -seed 1 -o bal.txt train.txt
//	go run ./tools/balance -check bal.txt                         # exit 1 if a class > 40 %
//
// -per-class N brings every class to exactly N lines (over-sampling repeats
// lines, under-sampling drops random ones); "max" is the largest class's
// count, so nothing is dropped. -min and -max bound the classes separately.
// The trainer weights a repeated line by its count, so over-sampling costs
// no training time.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"z80ulm/model"
)

func main() {
	perClass := flag.String("per-class", "", "bring every class to N lines (a number, or \"max\" for the largest class's count)")
	minN := flag.Int("min", 0, "over-sample classes below N lines up to N")
	maxN := flag.Int("max", 0, "under-sample classes above N lines down to N")
	seed := flag.Uint64("seed", 1, "seed of the sampling and the shuffle")
	out := flag.String("o", "", "write the resampled lines here (- = standard output)")
	check := flag.Bool("check", false, "fail (exit 1) when a class holds more than -share of the lines")
	share := flag.Float64("share", 0.40, "largest share of the lines one class may hold, for -check")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: balance [-per-class N|max] [-min N] [-max N] [-seed S] [-o FILE] [-check] FILE...")
		os.Exit(2)
	}
	if err := run(flag.Args(), *perClass, *minN, *maxN, *seed, *out, *check, *share); err != nil {
		fmt.Fprintln(os.Stderr, "balance:", err)
		os.Exit(1)
	}
}

func run(files []string, perClass string, minN, maxN int, seed uint64, out string, check bool, share float64) error {
	pairs, problems := model.ReadPairFiles(files...)
	if len(problems) > 0 {
		return model.JoinProblems(problems)
	}
	if len(pairs) == 0 {
		return fmt.Errorf("%s: no training lines", strings.Join(files, ", "))
	}
	if perClass != "" {
		n := 0
		if perClass == "max" {
			n = Counts(pairs)[0].N
		} else if v, err := strconv.Atoi(perClass); err == nil && v > 0 {
			n = v
		} else {
			return fmt.Errorf("-per-class %q: want a positive number or \"max\"", perClass)
		}
		minN, maxN = n, n
	}
	if minN < 0 || maxN < 0 || (maxN > 0 && minN > maxN) {
		return fmt.Errorf("-min %d and -max %d: want 0 <= min <= max", minN, maxN)
	}

	report(os.Stderr, "in", pairs)
	if minN > 0 || maxN > 0 {
		pairs = Resample(pairs, minN, maxN, seed)
		report(os.Stderr, "out", pairs)
	}
	if out != "" {
		if err := write(out, pairs, files, perClass, minN, maxN, seed); err != nil {
			return err
		}
	}
	if check {
		return Check(pairs, share)
	}
	return nil
}

func report(w io.Writer, what string, pairs []model.Pair) {
	cs := Counts(pairs)
	distinct := map[[2]string]bool{}
	for _, p := range pairs {
		distinct[[2]string{p.Input, p.Response}] = true
	}
	fmt.Fprintf(w, "%s: %d lines (%d distinct), %d classes\n", what, len(pairs), len(distinct), len(cs))
	for _, c := range cs {
		fmt.Fprintf(w, "  %-22s %7d %5.1f%%\n", c.Class, c.N, 100*float64(c.N)/float64(len(pairs)))
	}
}

func write(path string, pairs []model.Pair, files []string, perClass string, minN, maxN int, seed uint64) error {
	var w io.Writer = os.Stdout
	if path != "-" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Resampled by tools/balance from %s (min %d, max %d, seed %d); do not edit.\n",
		strings.Join(files, " "), minN, maxN, seed)
	for _, p := range pairs {
		fmt.Fprintf(bw, "%s|%s\n", p.Input, p.Response)
	}
	return bw.Flush()
}
