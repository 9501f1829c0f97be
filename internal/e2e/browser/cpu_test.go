package browser

import (
	"os"
	"strconv"
	"strings"
)

// cpuTicks sums the CPU time (user+system, in clock ticks of 1/100 s) used
// so far by process root and all its descendants, from /proc. ok is false
// where there is no /proc.
func cpuTicks(root int) (ticks uint64, ok bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	parent := map[int]int{}
	used := map[int]uint64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseUint(f[11], 10, 64)
		st, _ := strconv.ParseUint(f[12], 10, 64)
		parent[pid] = ppid
		used[pid] = ut + st
	}
	for pid, t := range used {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				ticks += t
				break
			}
		}
	}
	return ticks, true
}
